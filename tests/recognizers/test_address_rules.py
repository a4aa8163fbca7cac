"""CN_ADDRESS on the forms of real Chinese text, exact spans (``bench/data/README.md``):
a postal address is more specific than a division and runs from the first division name
to the last unit, without label, postcode or trailing remark in brackets.

The sentences are written for this test, of the kinds seen in real procurement notices,
court documents, footers and press releases; none is copied from the evaluation sets."""

from __future__ import annotations

import pytest

from recognizers.person_org_address import PersonOrgAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PersonOrgAddressRecognizer:
    r = PersonOrgAddressRecognizer()
    r.load()
    return r


def addresses(recognizer: PersonOrgAddressRecognizer, text: str) -> list[str]:
    """The CN_ADDRESS values found in ``text``, in text order."""
    found = recognizer.analyze(text, ["CN_ADDRESS"])
    return [text[r.start : r.end] for r in sorted(found, key=lambda r: r.start)]


# (text, the exact addresses to be reported)
BUILDING_AND_ROOM_TAILS = [
    ("联系地址：上海市徐汇区漕溪北路398号汇智大厦F15", ["上海市徐汇区漕溪北路398号汇智大厦F15"]),
    ("公司地址：杭州市西湖区文三路90号东部软件园B1层", ["杭州市西湖区文三路90号东部软件园B1层"]),
    ("通讯地址：北京市朝阳区望京花家地小区 3#402", ["北京市朝阳区望京花家地小区 3#402"]),
    (
        "住址：河北省石家庄市长安区建设北大街12幢3单元502室",
        ["河北省石家庄市长安区建设北大街12幢3单元502室"],
    ),
    ("门店：重庆市渝中区八一路177号负一层12号铺", ["重庆市渝中区八一路177号负一层12号铺"]),
    ("店铺地址：合肥市蜀山区长江西路669号门面", ["合肥市蜀山区长江西路669号门面"]),
    (
        "地址：长春市朝阳区红旗街568号华联大厦2号楼7层703室",
        ["长春市朝阳区红旗街568号华联大厦2号楼7层703室"],
    ),
    (
        "地址：江西省南昌市红谷滩新区凤凰中大道1000号万达广场A1-2201",
        ["江西省南昌市红谷滩新区凤凰中大道1000号万达广场A1-2201"],
    ),
    (
        "联系地址：广州市越秀区环市东路371号世贸中心大厦南塔 28 楼",
        ["广州市越秀区环市东路371号世贸中心大厦南塔 28 楼"],
    ),
    ("地址：深圳市南山区科技园南区惠友道 2052 号", ["深圳市南山区科技园南区惠友道 2052 号"]),
    ("住址：北京市朝阳区望京街道 88 号", ["北京市朝阳区望京街道 88 号"]),
    # a postcode after a blank or a label is no part of the address
    (
        "地址：济南市历下区经十路9999号黄金时代广场C座 250014",
        ["济南市历下区经十路9999号黄金时代广场C座"],
    ),
    ("地址：杭州市滨江区江虹路1750号1幢1801室 邮编：310052", ["杭州市滨江区江虹路1750号1幢1801室"]),
    # a room named by its use ends the address before it
    (
        "评审在沈阳市和平区南京北街206号华府大厦8楼会议室进行。",
        ["沈阳市和平区南京北街206号华府大厦8楼"],
    ),
]

CROSSINGS_AND_LANDMARKS = [
    (
        "采购代理机构地址：长沙市岳麓区麓谷大道与桐梓坡路交汇处麓谷企业广场A2栋1001",
        ["长沙市岳麓区麓谷大道与桐梓坡路交汇处麓谷企业广场A2栋1001"],
    ),
    (
        "地址：成都市武侯区人民南路四段与科华北路交叉口东南角仁和春天大厦12F",
        ["成都市武侯区人民南路四段与科华北路交叉口东南角仁和春天大厦12F"],
    ),
    (
        "地址：大连市中山区人民路与港湾街交口东港商务区1688-B2栋3单元602",
        ["大连市中山区人民路与港湾街交口东港商务区1688-B2栋3单元602"],
    ),
    ("地址：昆明市五华区青年路对面金鹰购物中心5楼", ["昆明市五华区青年路对面金鹰购物中心5楼"]),
]

VENUES_AND_BRACKETS = [
    # a venue after a street office belongs to the address
    ("酒店地址：上海市黄浦区外滩街道上海浦江饭店", ["上海市黄浦区外滩街道上海浦江饭店"]),
    # an estate right after a district starts the street level
    ("联系地址：北京市海淀区知春路锦秋家园 12#1106", ["北京市海淀区知春路锦秋家园 12#1106"]),
    ("联系地址：北京市海淀区学院路锦秋家园 5-2-301", ["北京市海淀区学院路锦秋家园 5-2-301"]),
    # a building named in brackets inside the address; a trailing remark is left out
    (
        "注册地址：广州市黄埔区广州开发区科学大道18号(广州科技创新中心)3楼",
        ["广州市黄埔区广州开发区科学大道18号(广州科技创新中心)3楼"],
    ),
    (
        "住所：江苏省南京市江宁区秣陵街道秣周东路12号（江宁开发区）",
        ["江苏省南京市江宁区秣陵街道秣周东路12号"],
    ),
    ("地址：湖北省武汉市洪山区珞喻路1037号（华中科技大学）", ["湖北省武汉市洪山区珞喻路1037号"]),
]

LONG_FORMS = [
    # development zones inside a longer address
    (
        "地址：天津市滨海新区经济技术开发区第三大街51号",
        ["天津市滨海新区经济技术开发区第三大街51号"],
    ),
    (
        "地址：武汉市东湖新技术开发区光谷大道77号金融港B4栋",
        ["武汉市东湖新技术开发区光谷大道77号金融港B4栋"],
    ),
    # hyphens between province, city and district
    (
        "地址：广东省-佛山市-顺德区大良街道新城区南国东路9号",
        ["广东省-佛山市-顺德区大良街道新城区南国东路9号"],
    ),
    # villages and groups, as in court documents
    ("被告张某，住湖南省衡阳市衡南县茶市镇长青村3组。", ["湖南省衡阳市衡南县茶市镇长青村3组"]),
    # a lane number of Shanghai (弄)
    ("住址：上海市静安区威海路590弄12号", ["上海市静安区威海路590弄12号"]),
    # building names that hold a function character (都)
    ("地址：陕西省西安市高新区锦业路1号都市之门B座", ["陕西省西安市高新区锦业路1号都市之门B座"]),
    # an address over two lines is two spans
    (
        "地址：西安市雁塔区科技路48号\n创业广场B座1306室  邮编：710065",
        ["西安市雁塔区科技路48号", "创业广场B座1306室"],
    ),
]

NOT_ADDRESSES = [
    # a website's filing numbers
    ("验与售后处理。\n备案号：京ICP备2026017788号", []),
    ("京公网安备11010802012345号", []),
    # bare divisions, also after a label
    ("地址：广州市天河区", []),
    ("地址：武汉市洪山区...\n联系电话：027-87654321", []),
    ("原告住江苏省南京市玄武区。", []),
    ("本案南京市雨花台区既非合同签订地，也非合同履行地。", []),
    # a development zone alone is an area
    ("双方将共同参与广州市黄埔区、广州开发区建设。", []),
    ("项目位于成都高新区。", []),
    # venues used as meeting places in prose
    ("数字经济大会在上海光大会展中心国际大酒店隆重召开。", []),
    ("本届博览会将在杭州国际博览中心开幕。", []),
    # a room without division or road
    ("签约仪式在集团六楼会议室举行。", []),
    ("培训在公司三楼报告厅进行。", []),
    # a town is a division too; 里 of a hotel's name (香格里拉) is no lane
    ("被告人住湖南省衡阳市衡南县茶市镇。", []),
    ("本次峰会在深圳福田香格里拉大酒店举行。", []),
    # the 楼 of a district name and a slogan with 乡村 are no units
    ("认为新鼓楼滨江区域商业大有可为。", []),
    ("活动地点：南京市浦口区美丽乡村休闲旅游区", []),
]

CASES = [
    *BUILDING_AND_ROOM_TAILS,
    *CROSSINGS_AND_LANDMARKS,
    *VENUES_AND_BRACKETS,
    *LONG_FORMS,
    *NOT_ADDRESSES,
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_addresses(recognizer, text, expected):
    assert addresses(recognizer, text) == expected


def test_remark_between_division_and_road_splits_the_address(recognizer):
    """北京市朝阳区（近国贸）建国路88号: the remark is no part of the address, so the
    divisions before it and the road after it are reported as two spans."""
    text = "北京市朝阳区（近国贸）建国路88号"
    assert addresses(recognizer, text) == ["北京市朝阳区", "建国路88号"]
