"""CLIENT: the firm's clients by name, alias or USCC, from the client registry."""

from __future__ import annotations

import pytest

from recognizers.checksums import is_valid_uscc
from recognizers.client_registry import Client, ClientRegistryRecognizer
from recognizers.registry import build_recognizers
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import MIN_SCORE, assert_positions, make_uscc_with_org, positions

C = "CLIENT"
U = "CN_USCC"
P = "PHONE_NUMBER"
ORG = "ORGANIZATION"

XINGHE_USCC = make_uscc_with_org("91110105", "MA01ABCD")
CLIENTS = (
    Client("北京星河传媒有限公司", ("星河传媒",), XINGHE_USCC),  # index 0
    Client("深圳市蓝鲸科技股份有限公司", ("蓝鲸科技", "Bluewhale Tech")),  # index 1
    Client("星河集团", ("星河",)),  # index 2: a shorter name inside client 0's names
    Client("上海云图文化发展有限公司", ("云图文化", "CloudMap")),  # index 3
)


@pytest.fixture(scope="module")
def client_analyzer() -> Analyzer:
    return Analyzer(build_recognizers(CLIENTS), min_score=MIN_SCORE)


POSITIONS = [
    # ---- full names and aliases, no spaces around them
    ("本次发布会由北京星河传媒有限公司主办", [(C, 6, 16)]),
    ("星河传媒的王总", [(C, 0, 4)]),
    ("由北京星河传媒有限公司和蓝鲸科技联合主办", [(C, 1, 11), (C, 12, 16)]),
    ("蓝鲸科技和星河传媒", [(C, 0, 4), (C, 5, 9)]),
    ("深圳市蓝鲸科技股份有限公司", [(C, 0, 13)]),
    ("云图文化年度报告", [(C, 0, 4)]),
    # ---- longest match wins: one finding, not also the shorter names inside it
    ("北京星河传媒有限公司", [(C, 0, 10)]),
    # 星河传媒 (alias) beats 星河 (another client's alias); the organisation around the
    # alias is reported too, as it strictly contains the client's name
    ("星河传媒有限公司", [(C, 0, 4), (ORG, 0, 8)]),
    ("星河集团董事长", [(C, 0, 4)]),
    ("星河的新品", [(C, 0, 2)]),
    ("北京星河", [(C, 2, 4)]),
    # ---- Latin aliases: case-insensitive, whole words only
    ("Meeting with BLUEWHALE TECH today", [(C, 13, 27)]),
    ("bluewhale tech", [(C, 0, 14)]),
    ("Bluewhale Tech's annual report", [(C, 0, 14)]),
    ("与Bluewhale Tech合作", [(C, 1, 15)]),  # Chinese characters are not word characters
    ("(Bluewhale Tech)", [(C, 1, 15)]),
    ("ＢＬＵＥＷＨＡＬＥ ＴＥＣＨ", [(C, 0, 14)]),  # full-width typing
    ("cloudmap", [(C, 0, 8)]),
    ("MyBluewhale Tech", []),
    ("Bluewhale Tech2", []),
    ("Bluewhale Technologies Inc", []),
    ("Bluewhale  Tech", []),  # two spaces: not the alias
    ("CloudMapping", []),
    ("theCloudMap", []),
    # ---- not clients
    ("银河传媒发布新品", []),
    ("北京星辰传媒有限公司", [(ORG, 0, 10)]),  # an organisation, but not a client
    # ---- a registry row's USCC: CLIENT, and also CN_USCC (both, same span)
    ("统一社会信用代码" + XINGHE_USCC, [(C, 8, 26), (U, 8, 26)]),
    (XINGHE_USCC, [(C, 0, 18), (U, 0, 18)]),
    (XINGHE_USCC.lower(), [(C, 0, 18)]),  # CN_USCC needs the upper-case form
    ("X" + XINGHE_USCC, []),  # part of a longer code
    # ---- a client next to other entities
    ("星河传媒联系人手机13812345678", [(C, 0, 4), (P, 9, 20)]),
    # ---- a client is never split or renamed by the name recognizer
    ("联系人：星河传媒王总", [(C, 4, 8)]),
    ("客户为北京星河传媒有限公司北京分公司", [(C, 3, 13), (ORG, 3, 18)]),
    ("蓝鲸科技股份有限公司的新品", [(C, 0, 4), (ORG, 0, 10)]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(client_analyzer, text, expected):
    assert_positions(client_analyzer, text, expected)


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("北京星河传媒有限公司", 0),
        ("星河传媒", 0),
        (XINGHE_USCC, 0),
        ("蓝鲸科技", 1),
        ("BLUEWHALE TECH", 1),
        ("星河", 2),
        ("CloudMap", 3),
    ],
)
def test_finding_names_the_registry_row(client_analyzer, text, index):
    (found,) = [d for d in client_analyzer.analyze(text) if d.entity_type == C]
    assert found.client_index == index


def test_full_name_scores_higher_than_alias(client_analyzer):
    (name,) = client_analyzer.analyze("北京星河传媒有限公司")
    (alias,) = client_analyzer.analyze("星河传媒")
    assert name.score == 1.0 and alias.score == 0.9


def test_empty_registry_finds_nothing(analyzer):
    texts = [text for text, _ in POSITIONS]
    for text in texts:
        assert all(d.entity_type != C for d in analyzer.analyze(text)), text
    empty = ClientRegistryRecognizer([])
    assert all(empty.analyze(text, [C]) == [] for text in texts)
    assert ClientRegistryRecognizer([Client("   ")]).analyze("   ", [C]) == []  # blank name


def test_uscc_found_as_cn_uscc_without_registry(analyzer):
    assert positions(analyzer, XINGHE_USCC) == [(U, 0, 18)]


def test_example_clients_have_valid_usccs():
    for client in ClientRegistryRecognizer.EXAMPLE_CLIENTS:
        assert not client.uscc or is_valid_uscc(client.uscc), client
