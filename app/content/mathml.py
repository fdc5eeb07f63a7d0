"""The MathML the sanitizer keeps: MathML Core's presentation elements with their presentation
attributes, and the TeX source in `annotation`. Nothing here takes a URL (`href`, `src`,
`xlink:*` are on no list), and `annotation-xml`, `maction`, `mglyph` and `malignmark`, where the
sanitizer bypasses of past years lived, are never kept (the first two go with their content).
"""

from __future__ import annotations

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "semantics", "annotation",
}
MATHML_DROP_WITH_CONTENT = {"annotation-xml", "maction"}

# MathML Core's attributes of every element (besides the HTML global ones).
MATHML_GLOBAL = {"displaystyle", "scriptlevel", "mathvariant"}
MATHML_ATTRIBUTES: dict[str, set[str]] = {tag: set(MATHML_GLOBAL) for tag in MATHML_TAGS}
MATHML_ATTRIBUTES["math"] |= {"display", "alttext"}
MATHML_ATTRIBUTES["mo"] |= {"form", "fence", "separator", "lspace", "rspace", "stretchy",
                            "symmetric", "maxsize", "minsize", "largeop", "movablelimits"}
MATHML_ATTRIBUTES["mfrac"] |= {"linethickness"}
MATHML_ATTRIBUTES["mspace"] |= {"width", "height", "depth"}
MATHML_ATTRIBUTES["mpadded"] |= {"width", "height", "depth", "lspace", "voffset"}
MATHML_ATTRIBUTES["mover"] |= {"accent"}
MATHML_ATTRIBUTES["munder"] |= {"accentunder"}
MATHML_ATTRIBUTES["munderover"] |= {"accent", "accentunder"}
MATHML_ATTRIBUTES["mtd"] |= {"columnspan", "rowspan"}
MATHML_ATTRIBUTES["annotation"] |= {"encoding"}

# The one encoding an annotation keeps: it holds TeX, which is text.
TEX_ENCODING = "application/x-tex"
