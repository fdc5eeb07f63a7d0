from study_guide.content.sanitize import clean, clean_cached

SVG = ('<svg viewBox="0 0 200 100" preserveAspectRatio="xMidYMid meet"><defs>'
       '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
       'markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#22d3ee">'
       '</path></marker><linearGradient id="fade" x1="0" x2="1"><stop offset="0" '
       'stop-color="#22d3ee"></stop></linearGradient></defs><line x1="10" y1="50" x2="190" '
       'y2="50" stroke="url(#fade)" marker-end="url(#arrow)"></line><text x="100" y="30" '
       'text-anchor="middle" font-family="Inter, sans-serif">label<tspan dy="12">sub</tspan>'
       '</text></svg>')


def test_viewbox_and_marker_references_survive():
    safe, report = clean(SVG)
    assert safe == SVG
    assert not report.changed


def test_ids_are_namespaced_and_references_follow():
    safe, _ = clean(SVG + '<a href="#arrow">see</a>', "vol7-")
    assert 'id="vol7-arrow"' in safe and 'id="vol7-fade"' in safe
    assert 'marker-end="url(#vol7-arrow)"' in safe
    assert 'stroke="url(#vol7-fade)"' in safe
    assert 'href="#vol7-arrow"' in safe


def test_two_volumes_with_the_same_id_do_not_collide():
    first, _ = clean('<div id="arrow">a</div>', "a-")
    second, _ = clean('<div id="arrow">b</div>', "b-")
    assert 'id="a-arrow"' in first and 'id="b-arrow"' in second


def test_links_to_other_volumes_are_left_alone():
    safe, _ = clean('<a href="#vol-2-03">volume II</a>', "x-")
    assert 'href="#vol-2-03"' in safe


def test_script_and_handlers_are_removed_and_reported():
    safe, report = clean('<p onclick="steal()">hi</p><script>steal()</script>'
                         '<svg viewBox="0 0 1 1" onload="x()"><circle r="1"></circle></svg>')
    assert "script" not in safe and "onclick" not in safe and "onload" not in safe
    assert report.removed_tags == {"script": 1}
    assert report.removed_attributes == {"onclick": 1, "onload": 1}
    assert report.as_dict()["changed"] is True


def test_only_http_https_mailto_and_fragment_links_are_kept():
    html = ''.join(f'<a href="{href}">x</a>' for href in (
        "https://arxiv.org/abs/1706.03762", "http://example.org/", "mailto:a@b.c", "#top",
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)",
        "data:text/html,<script>1</script>", "vbscript:x", "/relative", "//evil.example"))
    safe, report = clean(html)
    assert safe.count("href=") == 4
    assert "javascript" not in safe.lower() and "data:" not in safe and "evil" not in safe
    assert report.removed_attributes == {"href": 7}


def test_style_properties_and_values_are_checked():
    safe, report = clean(
        '<div style="color: #22d3ee; position: fixed; background: url(https://evil.example/x)">'
        'a</div><div style="width: expression(alert(1)); margin: 4px">b</div>'
        '<svg viewBox="0 0 1 1"><linearGradient id="g"></linearGradient>'
        '<rect style="fill: url(#g)"></rect></svg>', "v-")
    assert 'style="color: #22d3ee"' in safe
    assert 'style="margin: 4px"' in safe
    assert "fill: url(#v-g)" in safe
    assert "position" not in safe and "evil" not in safe and "expression" not in safe
    assert report.removed_styles == {"position": 1, "background": 1, "width": 1}


def test_unknown_classes_are_removed_design_classes_kept():
    safe, report = clean('<div class="card modal">x</div><code class="language-python">y</code>')
    assert '<div class="card">' in safe and 'class="language-python"' in safe
    assert report.removed_classes == {"modal": 1}


def test_dangerous_containers_are_dropped_with_their_content():
    safe, _ = clean("<style>body{display:none}</style><iframe src=x></iframe>"
                    "<template><p>t</p></template><noscript><p>n</p></noscript><p>kept</p>")
    assert safe == "<p>kept</p>"


def test_stray_closing_tags_cannot_break_out():
    safe, _ = clean("<p>a</p></section></main><body><html><div>b")
    assert safe == "<p>a</p><div>b</div>"


def test_cached_clean_returns_the_same_result_without_recomputing():
    html = '<p class="lead">cached</p>'
    first = clean_cached(html, "c-")
    assert clean_cached(html, "c-") is first
    assert clean_cached(html, "d-") is not first
