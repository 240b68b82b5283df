"""UI strings in Chinese and English, and the reader's language choice (?lang=, cookie, Accept-Language)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "kg_lang"

STRINGS: dict[str, dict[str, str]] = {
    "site": {"zh": "大连“十四五”民生知识图谱", "en": "Dalian 14th Five-Year Plan livelihood knowledge graph"},
    "home": {"zh": "首页", "en": "Home"},
    "search": {"zh": "搜索", "en": "Search"},
    "search_placeholder": {"zh": "名称、别名或拼音", "en": "name, alias or pinyin"},
    "ontology": {"zh": "本体", "en": "Ontology"},
    "sparql": {"zh": "SPARQL 查询", "en": "SPARQL endpoint"},
    "language": {"zh": "语言", "en": "Language"},
    "types": {"zh": "类型", "en": "Types"},
    "facts": {"zh": "属性", "en": "Properties"},
    "inbound": {"zh": "被引用", "en": "Referenced by"},
    "property": {"zh": "属性", "en": "Property"},
    "value": {"zh": "值", "en": "Value"},
    "inferred": {"zh": "推理所得", "en": "inferred"},
    "evidence": {"zh": "来源证据", "en": "Evidence"},
    "quote": {"zh": "原文", "en": "Quote"},
    "source": {"zh": "出处", "en": "Source"},
    "observations": {"zh": "统计观测", "en": "Observations"},
    "observation": {"zh": "观测值", "en": "Observation"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "unit": {"zh": "单位", "en": "Unit"},
    "qualifier": {"zh": "限定", "en": "Qualifier"},
    "period": {"zh": "时期", "en": "Period"},
    "area": {"zh": "地区", "en": "Area"},
    "kind": {"zh": "数值类型", "en": "Kind"},
    "verbatim": {"zh": "原文数值", "en": "As printed"},
    "article": {"zh": "报道", "en": "Article"},
    "chart": {"zh": "指标变化", "en": "Indicator values"},
    "chart_caption": {"zh": "基期值、达到值与目标值（按指标分别缩放）",
                      "en": "Baseline, reached and target values (each indicator on its own scale)"},
    "article_text": {"zh": "全文（已编码的事实高亮显示）", "en": "Full text (encoded facts highlighted)"},
    "facts_from_article": {"zh": "本文编码的事实", "en": "Facts encoded from this article"},
    "alternates": {"zh": "其他格式", "en": "Other formats"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "not_found_text": {"zh": "本数据集中没有这个标识符的描述。试试搜索：",
                       "en": "This dataset has no description of this identifier. Try a search:"},
    "results": {"zh": "搜索结果", "en": "Search results"},
    "no_results": {"zh": "没有结果。", "en": "No results."},
    "members": {"zh": "成员", "en": "Members"},
    "count": {"zh": "数量", "en": "Count"},
    "sort_label": {"zh": "按名称排序", "en": "sort by name"},
    "sort_facts": {"zh": "按属性数排序", "en": "sort by number of facts"},
    "previous": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "page": {"zh": "页", "en": "page"},
    "classes": {"zh": "类", "en": "Classes"},
    "properties": {"zh": "属性", "en": "Properties"},
    "domain": {"zh": "定义域", "en": "Domain"},
    "range": {"zh": "值域", "en": "Range"},
    "subclass_of": {"zh": "上位", "en": "Parent"},
    "definition": {"zh": "定义", "en": "Definition"},
    "about_title": {"zh": "关于本数据集", "en": "About this dataset"},
    "about_zh": {"zh": "本知识图谱把一张报道大连“十四五”民生成就的报纸版面编码为关联开放数据：机构、人物、地点、举措、"
                       "统计观测，以及每个事实在原文中的出处。",
                 "en": "本知识图谱把一张报道大连“十四五”民生成就的报纸版面编码为关联开放数据。"},
    "about_en": {"zh": "This knowledge graph encodes one newspaper page on Dalian's 14th Five-Year Plan livelihood "
                       "achievements as linked open data.",
                 "en": "This knowledge graph encodes one newspaper page on Dalian's 14th Five-Year Plan livelihood "
                       "achievements as linked open data: organisations, people, places, initiatives, statistical "
                       "observations, and for every fact the sentence of the page it comes from."},
    "counts": {"zh": "数据规模", "en": "In numbers"},
    "triples": {"zh": "三元组", "en": "triples"},
    "organisations": {"zh": "组织", "en": "organisations"},
    "people": {"zh": "人物", "en": "people"},
    "articles": {"zh": "报道", "en": "articles"},
    "indicators": {"zh": "指标", "en": "indicators"},
    "agencies": {"zh": "政府部门", "en": "Government agencies"},
    "examples": {"zh": "示例查询", "en": "Example queries"},
    "downloads": {"zh": "下载", "en": "Downloads"},
    "label_missing": {"zh": "缺少中文名称", "en": "no English label"},
    "external": {"zh": "外部链接", "en": "external link"},
    "skip": {"zh": "跳到正文", "en": "Skip to content"},
    "text_equivalent": {"zh": "图表数据", "en": "Chart data"},
    "facts_count": {"zh": "属性数", "en": "facts"},
    # site pages (home, data browser, errors, ontology and class pages)
    "cube": {"zh": "数据浏览", "en": "Data browser"},
    "downloads_page": {"zh": "全部下载", "en": "All downloads"},
    "void": {"zh": "数据集描述（VoID/DCAT）", "en": "Dataset description (VoID/DCAT)"},
    "home_source": {"zh": "数据来源", "en": "Source"},
    "newspaper": {"zh": "报纸", "en": "Newspaper"},
    "source_page": {"zh": "版面", "en": "Page"},
    "published": {"zh": "出版日期", "en": "Published"},
    "issue": {"zh": "期号", "en": "Issue"},
    "not_recorded": {"zh": "图谱中未记录", "en": "not recorded in the graph"},
    "reporters": {"zh": "记者", "en": "Reporters"},
    "by": {"zh": "记者", "en": "by"},
    "triples_note": {"zh": "三元组指命名图 {graphs} 的并集中不同三元组的个数，即数据集 VoID 描述中的 "
                           "void:triples（目录图本身不计）。",
                     "en": "Triples: the distinct triples in the union of the named graphs {graphs}, the figure the "
                           "dataset's VoID description gives as void:triples (the catalogue graph itself is not "
                           "counted)."},
    "counts_source": {"zh": "其余数字为 VoID 类别分区中的实体数。", "en": "The other figures are entity counts of "
                      "VoID's class partitions."},
    "evidence_nodes": {"zh": "关系证据", "en": "pieces of evidence"},
    "policy_areas": {"zh": "按政策领域浏览", "en": "Browse by policy area"},
    "policy_areas_note": {"zh": "领域是本项目对指标的分类（两级，对应联合国政府职能分类 COFOG），不是原文的陈述。",
                          "en": "The areas are this project's classification of the indicators (two levels, aligned "
                                "with the UN COFOG), not statements of the page."},
    "all_agencies": {"zh": "全部政府部门", "en": "All government agencies"},
    "more_examples": {"zh": "全部示例查询", "en": "All example queries"},
    "cube_title": {"zh": "统计观测浏览", "en": "Observations browser"},
    "cube_intro": {"zh": "按指标、政策领域、责任机构、地区、时期和数值类型筛选报道中的每个数字；"
                         "每行链接到它的观测页面和原文句子。",
                   "en": "Filter every figure of the page by indicator, policy area, responsible agency, area, period "
                         "and kind of value; each row links to its observation and source sentence."},
    "filters": {"zh": "筛选条件", "en": "Filters"},
    "any": {"zh": "（全部）", "en": "(any)"},
    "apply": {"zh": "筛选", "en": "Apply"},
    "reset": {"zh": "清除筛选", "en": "Clear filters"},
    "policy_area": {"zh": "政策领域", "en": "Policy area"},
    "agency": {"zh": "责任机构", "en": "Responsible agency"},
    "matching": {"zh": "条符合条件的观测", "en": "matching observations"},
    "download_csv": {"zh": "下载所选数据（CSV）", "en": "Download the selection (CSV)"},
    "sparql_for_view": {"zh": "本视图的 SPARQL 查询", "en": "The SPARQL for this view"},
    "cube_chart": {"zh": "本页数据图", "en": "This page as charts"},
    "cube_chart_note": {"zh": "每个面板只含一个指标、一个地区和一个单位，各自缩放；面板之间不可比较。",
                        "en": "Each panel holds one indicator, one area and one unit on its own scale; panels are "
                              "not comparable with each other."},
    "cube_chart_more": {"zh": "图中只画出本页的前 {n} 组数据，表格列出全部。",
                        "en": "The charts show this page's first {n} series; the table lists them all."},
    "options_limited": {"zh": "（只列出观测最多的 {n} 项）", "en": "(only the {n} with most observations are listed)"},
    "no_observations": {"zh": "没有符合条件的观测。", "en": "No observation matches."},
    "observation_link": {"zh": "观测", "en": "Observation"},
    "error_400": {"zh": "请求有误", "en": "Bad request"},
    "error_400_text": {"zh": "无法理解这个请求的参数。", "en": "The request's parameters could not be understood."},
    "error_other": {"zh": "请求未能完成", "en": "The request could not be completed"},
    "error_home": {"zh": "返回首页", "en": "Back to the home page"},
    "toc": {"zh": "目录", "en": "Contents"},
    "overview": {"zh": "概览", "en": "Overview"},
    "version": {"zh": "版本", "en": "Version"},
    "licence": {"zh": "许可", "en": "Licence"},
    "issued": {"zh": "发布日期", "en": "Issued"},
    "subclasses": {"zh": "下位类", "en": "Subclasses"},
    "class_properties": {"zh": "以此类为定义域或值域的属性", "en": "Properties with this class as domain or range"},
    "defined_in": {"zh": "定义于", "en": "Defined in"},
}

#: The kinds of question the example queries answer (their ``# group:`` header), in the order they are offered.
EXAMPLE_GROUPS: dict[str, dict[str, str]] = {
    "values-by-policy-area": {"zh": "数值：按领域、时期和类型", "en": "Figures by area, period and kind"},
    "change-between-baseline-and-reached": {"zh": "变化：从基期到达到值", "en": "Change from baseline to reached"},
    "which-rose-more": {"zh": "比较：哪项增长更多", "en": "Comparison: which rose more"},
    "organisation-figures": {"zh": "某个机构的数据", "en": "Figures about one organisation"},
    "sources": {"zh": "出处：数字来自哪句话", "en": "Sources: which sentence a figure comes from"},
    "members-and-roles": {"zh": "成员、职务与作者", "en": "Members, posts and authors"},
    "organisations-and-places": {"zh": "机构、地点与举措", "en": "Organisations, places and initiatives"},
    "federation": {"zh": "联邦查询（需运营方允许）", "en": "Federated queries (the operator must allow them)"},
}

#: Names of licences the graph points to (dct:license), for the pages that show them.
LICENCE_NAMES = {"https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0"}


#: The query page's own strings, by language.
QUERY_PAGE_STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "SPARQL 查询",
        "intro": "在此查询大连“十四五”民生知识图谱。默认图是所有命名图的并集。",
        "examples": "示例查询",
        "choose_example": "选择示例查询…",
        "query": "查询",
        "run": "运行查询",
        "results": "查询结果",
        "rows": "行",
        "no_rows": "没有结果。",
        "truncated": "结果已截断：只显示前面的行。",
        "error": "查询出错",
        "prefixes": "已声明的前缀",
        "no_js": "未启用 JavaScript 或查询编辑器不可用：请使用下面的表单。",
        "ask_true": "是（true）",
        "ask_false": "否（false）",
        "other_lang": "English",
        "open": "打开",
        "catalogue": "全部示例，按问题类型",
        "federated": "需运营方允许",
        "federated_needs": "运营方须以 --allow-service {url} 启动服务，此查询才能访问该远程端点。",
        "federated_allowed": "本服务器已允许该端点。",
        "federated_refused": "本服务器未允许该端点：运行会得到 403。",
        "run_it": "运行",
    },
    "en": {
        "title": "SPARQL query",
        "intro": "Query the Dalian 14th Five-Year Plan livelihood knowledge graph. The default graph is the union of "
        "all named graphs.",
        "examples": "Example queries",
        "choose_example": "Choose an example query…",
        "query": "Query",
        "run": "Run query",
        "results": "Results",
        "rows": "rows",
        "no_rows": "No results.",
        "truncated": "Results truncated: only the first rows are shown.",
        "error": "Query error",
        "prefixes": "Declared prefixes",
        "no_js": "JavaScript is off or the query editor is unavailable: use the form below.",
        "ask_true": "true",
        "ask_false": "false",
        "other_lang": "中文",
        "open": "Open",
        "catalogue": "All examples, by kind of question",
        "federated": "operator must allow",
        "federated_needs": "The operator must start the server with --allow-service {url} for this query to reach "
        "that remote endpoint.",
        "federated_allowed": "This server allows that endpoint.",
        "federated_refused": "This server does not allow that endpoint: running it answers 403.",
        "run_it": "Run",
    },
}


def pick_language(arg: str | None, cookie: str | None, accept_language: list[tuple[str, float]]) -> str:
    """The language to show: an explicit ?lang=, else the cookie, else the best Accept-Language match, else zh.

    >>> pick_language(None, None, [("en-GB", 1.0), ("zh", 0.5)])
    'en'
    >>> pick_language("zh", "en", [])
    'zh'
    """
    for choice in (arg, cookie):
        if choice in LANGUAGES:
            return choice
    for tag, _quality in sorted(accept_language, key=lambda item: -item[1]):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def translations(lang: str) -> dict[str, str]:
    """All UI strings in ``lang`` (the templates' ``t``)."""
    return {key: texts[lang] for key, texts in STRINGS.items()}


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_OWL = "http://www.w3.org/2002/07/owl#"
_DCT = "http://purl.org/dc/terms/"
#: Labels for standard terms the ontology does not declare (used when the graph has none).
VOCABULARY_LABELS: dict[str, dict[str, str]] = {
    _RDF + "type": {"zh": "类型", "en": "type"},
    _RDF + "subject": {"zh": "主语", "en": "subject"},
    _RDF + "predicate": {"zh": "谓语", "en": "predicate"},
    _RDF + "object": {"zh": "宾语", "en": "object"},
    _RDFS + "label": {"zh": "名称", "en": "label"},
    _RDFS + "comment": {"zh": "说明", "en": "comment"},
    _RDFS + "seeAlso": {"zh": "参见", "en": "see also"},
    _RDFS + "subClassOf": {"zh": "上位类", "en": "subclass of"},
    _RDFS + "subPropertyOf": {"zh": "上位属性", "en": "subproperty of"},
    _RDFS + "domain": {"zh": "定义域", "en": "domain"},
    _RDFS + "range": {"zh": "值域", "en": "range"},
    _RDFS + "isDefinedBy": {"zh": "定义于", "en": "is defined by"},
    _SKOS + "prefLabel": {"zh": "首选名称", "en": "preferred label"},
    _SKOS + "altLabel": {"zh": "别名", "en": "also known as"},
    _SKOS + "notation": {"zh": "代码", "en": "notation"},
    _SKOS + "definition": {"zh": "定义", "en": "definition"},
    _SKOS + "inScheme": {"zh": "所属体系", "en": "in scheme"},
    _SKOS + "broader": {"zh": "上位概念", "en": "broader"},
    _SKOS + "narrower": {"zh": "下位概念", "en": "narrower"},
    _SKOS + "exactMatch": {"zh": "完全匹配", "en": "exact match"},
    _SKOS + "closeMatch": {"zh": "近似匹配", "en": "close match"},
    _SKOS + "hasTopConcept": {"zh": "顶层概念", "en": "has top concept"},
    _OWL + "sameAs": {"zh": "等同于", "en": "same as"},
    _OWL + "inverseOf": {"zh": "逆属性", "en": "inverse of"},
    _DCT + "title": {"zh": "标题", "en": "title"},
    _DCT + "description": {"zh": "描述", "en": "description"},
    _DCT + "source": {"zh": "来源", "en": "source"},
    _DCT + "license": {"zh": "许可", "en": "license"},
}
