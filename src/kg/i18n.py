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
    # entity pages (issue 12)
    "rank_before": {"zh": "第", "en": "No. "},
    "rank_after": {"zh": "", "en": ""},
    "statements": {"zh": "陈述", "en": "Statements"},
    "inferred_statements": {"zh": "推理所得的陈述", "en": "Inferred statements"},
    "inferred_note": {"zh": "由 OWL 2 RL 推理从上面的陈述得出，原文未直接写出。",
                      "en": "Derived by OWL 2 RL reasoning from the statements above; the text does not state them."},
    "referenced_by": {"zh": "指向本条目的陈述", "en": "Statements pointing here"},
    "identifiers": {"zh": "外部标识符", "en": "Identifiers"},
    "formats": {"zh": "数据格式", "en": "Data formats"},
    "also_known_as": {"zh": "又称", "en": "Also known as"},
    "key_figures": {"zh": "关键数字", "en": "Key figures"},
    "figures": {"zh": "数字", "en": "Figures"},
    "figures_note": {"zh": "每个数字注明指标、地区、时期和数值类型；点开“原文”可见出处句子。",
                     "en": "Each figure with its indicator, area, period and kind; open “source” for the sentence "
                           "it comes from."},
    "source_sentence": {"zh": "原文", "en": "source"},
    "sources": {"zh": "出处", "en": "Sources"},
    "no_source": {"zh": "无原文句子", "en": "no sentence of the text"},
    "interpretation": {"zh": "解读", "en": "interpretation"},
    "interpretation_note": {"zh": "图谱比原文多说了一点：", "en": "The graph says more than the page:"},
    "stated_inverse": {"zh": "原文以反向陈述", "en": "stated the other way round"},
    "more_values": {"zh": "其余 {n} 项", "en": "{n} more"},
    "of_total": {"zh": "共 {n} 项", "en": "{n} in all"},
    "at_least_total": {"zh": "至少 {n} 项", "en": "{n} or more in all"},
    "show_inferred": {"zh": "显示推理所得的陈述（{n} 条）", "en": "Show inferred statements ({n})"},
    "interpretation_title": {"zh": "解读", "en": "Interpretation"},
    "reported_by": {"zh": "负责机构", "en": "Reported by"},
    "from": {"zh": "从", "en": "from"},
    "measures": {"zh": "衡量", "en": "measures"},
    "product_line": {"zh": "产品线", "en": "product line"},
    "segment": {"zh": "细分", "en": "segment"},
    "supplied_to": {"zh": "供应给", "en": "supplied to"},
    "reference": {"zh": "参照", "en": "reference"},
    "chart_note": {"zh": "每个面板是一个地区的一个指标，按时间排列；"
                         "其他地区的数值（如国家标准）以虚线作为参照，不作比较。",
                   "en": "Each panel is one indicator in one area, in time order; values of another area (such as a "
                         "national standard) are dashed reference lines, not part of the series."},
    "mentioned_in": {"zh": "提及本条目的报道", "en": "Mentioned in"},
    "other_statements": {"zh": "原文中关于本条目的其他陈述", "en": "Other statements of the text about this"},
    "byline": {"zh": "作者", "en": "By"},
    "published_by": {"zh": "刊于", "en": "Published in"},
    "date": {"zh": "日期", "en": "Date"},
    "date_unknown": {"zh": "图谱未记录刊发日期", "en": "publication date not recorded in the graph"},
    "highlighted": {"zh": "你来自的句子", "en": "the sentence you came from"},
    "supports": {"zh": "支持", "en": "supports"},
    "same_as": {"zh": "同一事物", "en": "same thing"},
    "exact_match": {"zh": "完全匹配", "en": "exact match"},
    "close_match": {"zh": "近似匹配", "en": "close match"},
    "see_also": {"zh": "参见", "en": "see also"},
    "version": {"zh": "版本", "en": "version"},
    "where_when": {"zh": "地区 · 时期", "en": "Area · period"},
    "named_graph": {"zh": "命名图", "en": "Named graph"},
    "graph_content": {"zh": "本图的数据", "en": "This graph's data"},
    "graph_content_text": {
        "zh": "以 RDF 请求本 IRI 即得到本图的全部三元组（N-Quads 与 TriG 中位于本命名图内）及其描述（默认图）：",
        "en": "Ask this IRI for RDF to get every triple of the graph (in N-Quads and TriG, inside this named graph) "
              "with its description (in the default graph):"},
    "graph_query": {"zh": "在 SPARQL 查询页中列出本图的三元组", "en": "List this graph's triples on the query page"},
    "graph_dumps": {"zh": "包含本图的下载文件", "en": "Downloads that contain this graph"},
    "guide": {"zh": "关联指南", "en": "Link your data"},
}


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
