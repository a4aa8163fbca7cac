"""Synthetic business-document sentences for training the Chinese CRF (augmentation).

    python scripts/ner_augment.py [--count 2000] [--seed 20261206] [--show 20]

The news sets the CRF learns from (People's Daily, CLUENER, MSRA, Weibo) almost
never write a name the way business documents do: after a field label and a
colon (联系人：张伟), in a 、-list, before or after a title, as a party line of a
judgment (原告：李娜，女，汉族…), an organisation as the buyer of a procurement
notice. ``generate`` fills such frames with PERSON and ORGANIZATION strings (and
postal-looking CN_ADDRESS strings) taken from the *training* sentences only
(never from validation, never from the real-text bench sets), so the model sees
business layouts of entity strings it already knows from the data.

Deterministic: one ``random.Random(seed)``; the same training split and seed
give the same sentences. ``scripts/train_ner.py --augment N`` appends them to
the training sentences (source ``augment``); they are never validated on.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from recognizers.ner import dataset  # noqa: E402

SEED = 20261206
PERSON, ORG, ADDRESS = dataset.PERSON, dataset.ORGANIZATION, dataset.ADDRESS
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}")
_POSTAL = re.compile(r"[路街道巷弄号村组室楼栋座幢层]|大厦|广场|园区")

# Frames: {P} a person, {O} an organisation, {A} an address, {T} a title after a
# name, {L} a label before one, {D} a date, {N} a phone number, {Y} a year.
TITLES_AFTER = (
    "经理 总经理 副总经理 董事长 总监 主任 副主任 教授 律师 会计师 工程师 处长 科长 局长 院长 "
    "校长 书记 主席 先生 女士 老师 研究员 主管 部长 秘书长 会长 执行董事 监事 记者"
).split()
LABELS_BEFORE = (
    "联系人 项目联系人 负责人 项目负责人 经办人 法定代表人 法人代表 收件人 签收人 记者 通讯员 "
    "责任编辑 作者 主持人 发言人 授权代表 代表人 姓名 记录人 主讲人 审判长 审判员 人民陪审员 "
    "书记员 法官助理 委托诉讼代理人 采购联系人 项目经理 技术负责人"
).split()
PARTY_LABELS = "原告 被告 上诉人 被上诉人 申请人 被申请人 第三人 被执行人 申请执行人".split()
ORG_LABELS = (
    "采购人 采购单位 招标人 代理机构 采购代理机构 供应商 中标供应商 成交供应商 中标人 "
    "建设单位 施工单位 监理单位 主办单位 承办单位 协办单位 发布单位 单位名称 公司名称 "
    "工作单位 甲方 乙方 委托方 受托方 申请单位 报送单位"
).split()
ADDRESS_LABELS = "地址 联系地址 通讯地址 办公地址 住所地 注册地址 项目地点 收货地址".split()
ETHNIC = "汉族 汉族 汉族 汉族 回族 满族 壮族 苗族 蒙古族".split()
COLON = ("：", "：", "：", ":")

PERSON_FRAMES = (
    "{L}{C}{P}",
    "{L}{C}{P}，电话{N}",
    "{L}{C}{P}，联系电话：{N}",
    "{L}{C}{P}（{T}）",
    "{L}{C}{P} {N}",
    "{L} {P}",
    "{P}{T}",
    "{T}{P}",
    "{P}，{T}",
    "{O}{T}{P}",
    "{P}，{O}{T}",
    "{O}{P}{T}",
    "{R}{C}{P}，男，{Y}年{M}月{DD}日出生，{E}",
    "{R}{C}{P}，女，{Y}年{M}月{DD}日出生，{E}，住{A}",
    "{R}{C}{P}（{G}，{E}）",
    "{R}{C}{O}，住所地{A}",
    "法定代表人{C}{P}，该公司{T}",
    "委托诉讼代理人{C}{P}，{O}律师",
    "{P}、{P}、{P}",
    "评审专家{C}{P}（组长）、{P}、{P}",
    "出席人员{C}{P}、{P}、{P}等",
    "编辑 {P} 审核 {P}",
    "{P}，{G}，{Y}年{M}月生，现任{O}{T}",
    "感谢{P}{T}的支持",
    "{Y}年{M}月{DD}日，{P}来到{O}",
    "{P}表示，{O}将继续加大投入",
    "据{O}{T}{P}介绍",
)
ORG_FRAMES = (
    "{K}{C}{O}",
    "{K}{C}{O}，地址：{A}",
    "{K}{C}{O}；联系人{C}{P}",
    "{O}（以下简称“甲方”）",
    "{O}关于{Y}年度采购项目的公告",
    "{O} {Y}年{M}月{DD}日",
    "本项目由{O}负责实施",
    "{O}、{O}和{O}共同主办",
    "{O}（盖章）",
    "{O}于{Y}年{M}月{DD}日发布",
)
ADDRESS_FRAMES = (
    "{H}{C}{A}",
    "{H}{C}{A}，邮编{Z}",
    "{O}位于{A}",
)
NEGATIVE_FRAMES = (  # labels whose field holds no name
    "{L}{C}详见附件",
    "{L}{C}（签字）",
    "{L}{C}",
    "{K}{C}（盖章）",
    "{L}及电话{C}{N}",
)


def entity_pools(
    sentences: Sequence[dataset.Sentence],
) -> tuple[list[str], list[str], list[str]]:
    """Distinct person, organisation and postal-address strings of the sentences, sorted."""
    people: set[str] = set()
    orgs: set[str] = set()
    addresses: set[str] = set()
    for sentence in sentences:
        for start, end, label in sentence.spans:
            value = sentence.text[start:end]
            if "\n" in value or value != value.strip():
                continue
            if label == PERSON and _HAN_NAME.fullmatch(value):
                people.add(value)
            elif label == ORG and 2 <= len(value) <= 30:
                orgs.add(value)
            elif label == ADDRESS and len(value) >= 6 and _POSTAL.search(value):
                addresses.add(value)
    return sorted(people), sorted(orgs), sorted(addresses)


def generate(
    sentences: Sequence[dataset.Sentence], count: int, seed: int = SEED
) -> list[dataset.Sentence]:
    """``count`` synthetic sentences built from the entity strings of ``sentences``."""
    rng = random.Random(seed)
    people, orgs, addresses = entity_pools(sentences)
    if not people or not orgs:
        return []
    addresses = addresses or ["北京市朝阳区建国路88号"]
    kinds = [PERSON_FRAMES] * 11 + [ORG_FRAMES] * 5 + [ADDRESS_FRAMES] * 2 + [NEGATIVE_FRAMES]
    out: list[dataset.Sentence] = []
    for _ in range(count):
        frame = rng.choice(rng.choice(kinds))
        text, spans = _fill(frame, rng, people, orgs, addresses)
        out.append(dataset.Sentence("augment", text, tuple(spans)))
    return out


def _fill(
    frame: str, rng: random.Random, people: list[str], orgs: list[str], addresses: list[str]
) -> tuple[str, list[dataset.Span]]:
    parts: list[str] = []
    spans: list[dataset.Span] = []
    length = 0
    colon = rng.choice(COLON)
    for piece in re.split(r"(\{[A-Z]{1,2}\})", frame):
        if not piece:
            continue
        label = None
        if piece == "{P}":
            value, label = rng.choice(people), PERSON
        elif piece == "{O}":
            value, label = rng.choice(orgs), ORG
        elif piece == "{A}":
            value, label = rng.choice(addresses), ADDRESS
        elif piece == "{T}":
            value = rng.choice(TITLES_AFTER)
        elif piece == "{L}":
            value = rng.choice(LABELS_BEFORE)
        elif piece == "{R}":
            value = rng.choice(PARTY_LABELS)
        elif piece == "{K}":
            value = rng.choice(ORG_LABELS)
        elif piece == "{H}":
            value = rng.choice(ADDRESS_LABELS)
        elif piece == "{C}":
            value = colon
        elif piece == "{N}":
            value = rng.choice(("1", "0")) + "".join(rng.choice("0123456789") for _ in range(10))
        elif piece == "{Y}":
            value = str(rng.randint(1955, 2025))
        elif piece == "{M}":
            value = str(rng.randint(1, 12))
        elif piece == "{DD}":
            value = str(rng.randint(1, 28))
        elif piece == "{Z}":
            value = "".join(rng.choice("0123456789") for _ in range(6))
        elif piece == "{E}":
            value = rng.choice(ETHNIC)
        elif piece == "{G}":
            value = rng.choice(("男", "女"))
        else:
            value = piece
        if label is not None:
            spans.append((length, length + len(value), label))
        parts.append(value)
        length += len(value)
    return "".join(parts), spans


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show", type=int, default=20, help="sentences to print")
    args = parser.parse_args()
    mapping = {**dataset.LABEL_MAP, **dataset.AUX_LOCATION_MAP}
    split = dataset.split(dataset.data_files(args.data), dataset.HELD_OUT_FILES, mapping)
    made = generate(split.train, args.count, args.seed)
    people, orgs, addresses = entity_pools(split.train)
    print(f"pools: {len(people)} people, {len(orgs)} organisations, {len(addresses)} addresses")
    for sentence in made[: args.show]:
        marked = sentence.text
        for start, end, label in reversed(sentence.spans):
            marked = f"{marked[:start]}[{marked[start:end]}|{label[:3]}]{marked[end:]}"
        print(marked.replace("\n", "⏎"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
