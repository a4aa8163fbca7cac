"""Word lists shared by the CRF features and the rules of the person / organisation /
address recognizer.

Everything here is hand-written from common knowledge of Chinese names and
addresses, except the administrative divisions, which are read from
``admin_divisions.txt`` (derived from the MIT-licensed ``cpca`` package by
``scripts/make_admin_divisions.py``). Changing a list changes the CRF's
features: retrain (``python scripts/train_ner.py``) after any edit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# The ~300 most frequent single-character surnames (they cover well over 95% of people).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁"
    "胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭"
    # frequent in Guangdong, Fujian, Hong Kong and Taiwan (赖, 洪, 萧) and other Hundred Surnames
    "赖洪萧凤贝钮荀濮郦蓟宓邴訾莘笪"
)

# Compound surnames: a name starting with one is 3-4 characters (欧阳雪, 司马相如).
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 夏侯 令狐 宇文 司徒 南宫 西门 端木 独孤"
    " 轩辕 百里 呼延 东郭 万俟 司空 澹台 公羊 太史 申屠 钟离 闻人 濮阳 赫连 拓跋 完颜 第五 左丘"
    " 谷梁 宰父 梁丘 段干 仲孙 鲜于 闾丘 亓官 司寇 子车 颛孙 壤驷 公良 漆雕 乐正 宗政 公冶 太叔"
    " 巫马 微生 羊舌 公西 东门 南门 范姜".split()
)

# Characters frequent in given names (伟 芳 娜 …): a hint, not a rule.
GIVEN_NAME_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文建国志海宇红梅林辉鹏飞斌波宁健云俊峰"
    "浩凯婷雪琳晶燕倩颖慧佳欣怡琪萍丹莉蕾璐瑶雯婧媛嘉思梓子涵轩博宏春晓东亮成龙杨小立新永生金荣"
    "庆祥德福光天学正民安仁义礼智信忠良和家振兴旭阳晨昊睿泽航然鑫昕悦彤可心雨晗萱妍蕊薇馨露洁玲"
    "岚青清珍珊莹琴凤荷菊美淑惠贤素月爱香翠银彩霖鸿毅辰宸熙铭皓煜瑞逸哲楠帆锋坤彬豪达栋勋武伦力"
    "江山川松柏树森恒坚发财贵富寿根水宝元仲伯之若如一双长泉敬诚瑜璇琦珏璋瑾琛琨瑛珂怀远志钧鹤"
    "骏驰腾跃峻岩崇嵩巍岳耀灿炜烨焕炎熠晖曦昭旻昱晟暄朗翔翊羽翰卓越超群冰凝霜露菲芬芝芸茜莎蓉"
    "蔓蕾薇苗蓓璐瑶婉娴媚姗娅姣妮婕嫣慈爽悦怡恬愉欢乐佩琼瑗璧琰璞琬瑄瑢珺玥珑琅瑭瑀璟璠珩琮"
    "卫兵军国庆建设红卫东方胜利斌杰宁静安平和顺祥瑞吉庆喜福禄寿康泰宜家乐善德仁厚道义勇智谦"
    "冬鸣甜然婉群栋沛钰琬潇澜湘蓓琳莺鹃茵蔚霏雁虹霓枫桐楷樟梁柱材栋峥嵘铮镇锐钢铁鑫森淼焱垚"
    "丽芸雅静宇轩杭航舟帆洲渊浩淳涛澄湛潭溪沁滢漪露雯霞飞扬悦怡欢笑宁馨晴朗旭昊晔曜昆仑岗峰"
)

# Words that follow a name: 张伟经理, 王芳女士, 记者李娜 (before) is handled by PERSON_LABELS.
TITLES = frozenset(
    "先生 女士 小姐 经理 总经理 副总经理 总监 副总监 总裁 副总裁 董事长 副董事长 董事 主任 副主任"
    " 主编 副主编 总编 编辑 记者 老师 教授 副教授 研究员 博士 律师 会计师 医生 大夫 院长 副院长 校长"
    " 副校长 书记 副书记 部长 副部长 局长 副局长 厅长 省长 副省长 市长 副市长 县长 区长 处长 科长"
    " 主席 副主席 委员 总理 副总理 总统 大使 代表 同志 首席 专员 主管 秘书 助理 总工 工程师 处长"
    " 行长 副行长 社长 台长 站长 所长 会长 副会长 秘书长 理事长 团长 队长 教练 主持人 总 董 工"
    " 总经济师 副总经济师 总会计师 总工程师 总法律顾问 党委书记 党委副书记 纪委书记 执行董事"
    " 常务副总经理 监事 监事长 首席执行官 创始人 联合创始人 合伙人 董秘 总编辑 副总编辑".split()
)

# Labels that precede a name: 联系人：张伟, 记者 李娜, 负责人王芳.
PERSON_LABELS = (
    "联系人",
    "联络人",
    "对接人",
    "负责人",
    "经办人",
    "项目负责人",
    "法定代表人",
    "法人代表",
    "收件人",
    "发件人",
    "签收人",
    "记者",
    "实习记者",
    "特约记者",
    "通讯员",
    "编辑",
    "责任编辑",
    "责编",
    "主编",
    "摄影",
    "作者",
    "撰稿",
    "主持人",
    "嘉宾",
    "发言人",
    "签字人",
    "授权代表",
    "代表人",
    "姓名",
    "出席",
    "出席人员",
    "参会人员",
    "与会人员",
    "参会人",
    "记录人",
    "记录",
    "主讲人",
    "甲方代表",
    "乙方代表",
    "客户代表",
    # the parties and the bench of a judgment (原告：张三，男，…; 审判长 李四)
    "委托诉讼代理人",
    "诉讼代理人",
    "委托代理人",
    "代理人",
    "辩护人",
    "审判长",
    "审判员",
    "人民陪审员",
    "陪审员",
    "书记员",
    "法官助理",
    "执行员",
    "原告",
    "被告",
    "第三人",
    "上诉人",
    "被上诉人",
    "申请人",
    "被申请人",
    "申请执行人",
    "被执行人",
    "委托人",
    "受托人",
    "保证人",
    # procurement notices: 联系人及电话：文铭；…, 评审专家名单：陈晓英（组长）、林雪山
    "联系人及电话",
    "联系人及联系方式",
    "联系方式",
    "名单",
)

# Organisation name endings, longest first where one contains another.
ORG_SUFFIXES_STRONG = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "控股集团",
    "集团",
    "公司",
    "银行",
    "大学",
    "学院",
    "中学",
    "小学",
    "医院",
    "日报社",
    "日报",
    "都市报",
    "晚报",
    "早报",
    "商报",
    "时报",
    "周刊",
    "杂志社",
    "报社",
    "电视台",
    "广播电台",
    "通讯社",
    "新闻社",
    "出版社",
    "协会",
    "学会",
    "商会",
    "联合会",
    "委员会",
    "研究院",
    "研究所",
    "事务所",
    "基金会",
    "俱乐部",
    "人民政府",
    "人民法院",
    "法院",
    "人民检察院",
    "检察院",
    "公安局",
    "管理局",
    "监督管理局",
    "办公室",
    "办公厅",
)
# Weak endings: only a feature and a confirmation of a CRF span (品牌部, 格局, 餐厅 are no bodies).
ORG_SUFFIXES_WEAK = (
    "局",
    "厅",
    "部",
    "署",
    "委",
    "院",
    "所",
    "会",
    "社",
    "厂",
    "店",
    "行",
    "队",
    "党",
    "军",
    "台",
    "报",
    "网",
    "中心",
    "工作室",
)
# Branches after a company name: …有限公司北京分公司.
BRANCH_SUFFIXES = ("分公司", "分行", "支行", "分院", "分社", "办事处", "分部", "子公司")

# Address components below the county, in the order they nest (road → number → building → room).
ADDRESS_UNITS = (
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "州",
    "镇",
    "乡",
    "村",
    "街道",
    "社区",
    "路",
    "街",
    "大道",
    "大街",
    "道",
    "巷",
    "弄",
    "胡同",
    "里",
    "号院",
    "号楼",
    "号",
    "栋",
    "幢",
    "座",
    "楼",
    "层",
    "单元",
    "室",
    "房",
    "大厦",
    "广场",
    "花园",
    "小区",
    "园区",
    "科技园",
    "产业园",
    "工业园",
    "开发区",
    "工业区",
    "新区",
    "自治区",
    "自治州",
    "自治县",
)

# Two-character words whose first character is a common surname: never a name on their own
# (高达90%, 金融, 文明, 方案 …). A CRF or rule PERSON span equal to one of them is dropped.
NOT_NAMES = frozenset(
    "高达 高度 高速 高于 高层 高效 高端 高校 高新 高温 高峰 高级 高中 高考 高手 高兴 金融 金额 金属"
    " 金牌 金钱 黄金 黄色 文明 文化 文件 文字 文章 文本 文学 文艺 方案 方面 方法 方向 方式 方便 安全"
    " 安排 安装 安静 安心 江山 江湖 江南 江北 马上 马路 马克 程序 程度 周末 周年 周边 周期 周围 周一"
    " 周二 周三 周四 周五 周六 周日 司机 司法 任务 任何 任意 万一 万元 于是 向上 常见 常规 常用 常务"
    " 平安 平台 平均 平时 平衡 和平 和谐 林业 林立 时间 时候 时代 时尚 明天 明年 明显 明确 明白 成功"
    " 成本 成果 成立 成员 成为 成绩 成熟 成都 石油 石头 白色 白天 田野 华人 华丽 华为 关于 关键 关注"
    " 关系 关心 张开 张力 李子 杨树 杨柳 陈述 陈列 孙子 胡同 胡说 何时 何况 何必 罗列 罗马 宋体 唐突"
    " 唐朝 许多 许可 韩国 曾经 肖像 董事 余额 杜绝 叶子 苏醒 钟表 陆续 汪洋 范围 夏天 夏季 付款 付费"
    " 熊猫 段落 雷达 龙头 史上 陶瓷 黎明 贺卡 顾客 顾问 毛利 严格 严重 武器 武汉 温度 温暖 康复 施工"
    " 牛市 庞大 颜色 章程 申请 申报 欧洲 欧元 焦点 左右 祝福 包括 包装 尚未 符合 舒适 纪念 纪律 梅花"
    " 童年 凌晨 毕业 单位 单独 季度 季节 蓝色 蓝天 路线 路上 游戏 游客 辛苦 管理 管道 房屋 解决 解释"
    " 尤其 阳光 农业 农村 卓越 古代 吉祥 简单 车辆 项目 连续 连接 景区 党委 费用 冷静 席位 卫生 宗旨"
    " 全部 全面 全国 应该 应用 边境 师傅 商务 商品 沙发 荣誉 仲裁 巩固 查询 麻烦 迟到 官方 封面 谈判"
    " 乐观 南方 班级 储存 原因 原来 劳动 皮肤 楼盘 盘点 满意 位置 厉害 区域 海外 海洋 花园 权利 强调"
    " 练习 廉洁 祖国 巴士 丰富 支持 支付 国家 国际 计划 计算 索取 宣传 晋升 相关 相信 初步 门店 云端"
    " 容易 敬请 来源 都市 普通 薄弱 修改 况且 那么 宿舍 鲜花 印象 隆重 诸位 战略 危机 银行 公司 公众"
    " 公开 宾馆 利润 利用 呼吁 居民 干部 但是 元旦 衣服 信息 展览 展示 智能 幸福 衡量 闭幕 王牌 王者"
    " 王国 刘海 黄牛 孙女 郑重 谢谢 高管 金色 文具 安防 江苏 广告 程控 石化 路演 明星 周报 周刊 马拉"
    " 常委 万达 和讯 苏宁 平面 华夏 东方 欧美 方舟 高铁 高管 白领 金秋 钱包 米饭 宁静 乔迁"
    " 洪水 洪流 洪峰 洪灾 萧条 萧瑟 凤凰 贝壳 贝类 钮扣 赖账 赖皮".split()
)


@lru_cache(maxsize=1)
def admin_divisions() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(province and city names incl. short forms, county names, every name) from
    ``admin_divisions.txt``; 北京市 and 北京, 深圳市 and 深圳, 朝阳区 (full only)."""
    upper: set[str] = set()
    county: set[str] = set()
    path = Path(__file__).with_name("admin_divisions.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        level, name, short = [*line.split("\t"), "", ""][:3]
        target = county if level == "county" else upper
        target.add(name)
        if short:
            target.add(short)
    return frozenset(upper), frozenset(county), frozenset(upper | county)
