import DriftwatchCore
/// The HTML around the panels: a Content-Security-Policy that forbids every external load (no CDN, fonts or
/// images; only the page's own inline script, by hash), system fonts, navigation and the small filter script.
enum PageShell {
    /// Filters tables as the user types, and records whether the page overflows horizontally
    /// (`data-layout`), which the browser tests read.
    static let script = """
    document.querySelectorAll('input[data-filter]').forEach(function(i){i.addEventListener('input',function(){var q=i.value.toLowerCase();var t=document.getElementById(i.getAttribute('data-filter'));if(!t)return;t.querySelectorAll('tbody tr').forEach(function(r){r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});});});
    var d=document.documentElement;d.setAttribute('data-layout',d.scrollWidth>d.clientWidth+1?'overflow':'ok');
    """

    static let scriptHash = "sha256-" + Base64.encode(SHA256.hash(Array(script.utf8)))

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '\(scriptHash)'; base-uri 'none'; form-action 'none'"

    static let style = """
    :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#111;background:#fff}
    body{margin:0}
    header{background:#0b2545;color:#fff;padding:.6rem 1rem}
    header a{color:#fff}
    header .range{margin:.3rem 0 0;font-size:.9rem;font-weight:600}
    nav ul{list-style:none;margin:.4rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.9rem}
    nav a[aria-current=page]{font-weight:700;text-decoration:none;border-bottom:2px solid #E69F00}
    nav.ranges ul{margin:.3rem 0 0;gap:.6rem;font-size:.9rem}
    nav.ranges a{padding:0 .3rem}
    main{max-width:1400px;margin:0 auto;padding:1rem}
    h1{font-size:1.4rem;margin:.2rem 0}
    .meta{font-size:.85rem;opacity:.9;margin:.2rem 0}
    h1,.meta,.note,.panel h2,.panel h3,[data-field] .big{overflow-wrap:anywhere}
    section.panel{border:1px solid #ccd;border-radius:6px;padding:.6rem .9rem;margin:0 0 1.2rem}
    section.panel h2{font-size:1.1rem;margin:.2rem 0 .4rem}
    .chart{width:100%;height:auto;display:block}
    .chart .grid{stroke:#e3e3e8}
    .chart .axis{stroke:#555}
    .chart .tick,.chart .axis-title{font-size:11px;fill:#333}
    .chart .series{fill:none;stroke-width:2}
    .chart .marker line{stroke:#000;stroke-dasharray:3 3}
    .chart .marker text{font-size:10px;fill:#000}
    .chart .marker.event line{stroke:#8a3b00;stroke-dasharray:none;stroke-width:1.5}
    .chart .marker.event text{fill:#8a3b00;font-weight:600}
    .headline{display:flex;flex-wrap:wrap;gap:.6rem 2rem;margin:.4rem 0 .8rem}
    .headline div{min-width:9rem}
    .headline .big{display:block;font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}
    .headline .what{font-size:.8rem;color:#444}
    pre.cmd{background:#f3f3f6;border:1px solid #ccd;padding:.4rem .6rem;overflow-x:auto;font-size:.85rem;margin:.3rem 0}
    ul.ids{columns:18rem;font-family:ui-monospace,monospace;font-size:.85rem;padding-left:1.2rem}
    ul.ids li{overflow-wrap:anywhere}
    .recs li{margin:.2rem 0;overflow-wrap:anywhere}
    .chart .hover{fill:transparent}
    .chart .hover:hover{fill:rgba(0,0,0,.06)}
    .chart .bar-label{font-size:11px;fill:#222}
    .chart .zero-note{font-size:10px;fill:#8a3b00;font-style:italic}
    .chart .incident-band{fill:rgba(213,94,0,.13);pointer-events:none}
    .chart .incident-tab{fill:rgba(213,94,0,.55);cursor:pointer}
    .chart .partial{opacity:.35}
    .legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem}
    .box{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin-right:.3em}
    .swatch{display:inline-block;width:1.6em;height:0;border-top:3px solid;vertical-align:middle;margin-right:.3em}
    .scroll{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
    th,td{border:1px solid #ccd;padding:.2rem .45rem;text-align:left;vertical-align:top;max-width:28rem}
    thead th,tbody th{white-space:nowrap}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    details summary{cursor:pointer;font-size:.85rem}
    .heat td.cell{text-align:center;min-width:5.5rem}
    .heat th{min-width:6rem;overflow-wrap:normal;word-break:normal}
    .heat td.cell small{display:block;font-size:.75rem}
    .incident{border-left:4px solid #D55E00;padding:.3rem .8rem;margin:.8rem 0}
    .incident.resolved{border-left-color:#009E73}
    .incident h3{font-size:1rem;margin:.2rem 0}
    .incident h3,.incident dd,.break{overflow-wrap:anywhere}
    dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0;font-size:.9rem}
    dl.kv dt{font-weight:600}
    dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
    .note{color:#444;font-size:.85rem}
    .filter{font-size:.85rem;margin:.2rem 0}
    .sr{position:absolute;left:-9999px}
    """

    /// A page. `current` is the navigation entry to mark; `range` the header's range line. Pages with a range
    /// link to the same page in the other ranges; an incident page (no range) says so instead.
    static func page(title: String, current: String?, site: Site, location: Site.Location, range: String, meta: String, body: String) -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
        s += "<meta name=\"referrer\" content=\"no-referrer\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<title>Driftwatch — \(HTML.escape(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        s += "<header><div><strong>Driftwatch</strong></div><nav aria-label=\"Dashboards\"><ul>"
        for page in site.navigation {
            let mark = page.id == current ? " aria-current=\"page\"" : ""
            s += "<li><a href=\"\(location.toRange)\(Site.href(page.id + ".html"))\"\(mark)>\(HTML.escape(page.title))</a></li>"
        }
        s += "</ul></nav><p class=\"range\" data-range>\(HTML.escape(range))</p>"
        if let here = location.variant, site.variants.count > 1 {
            s += "<nav class=\"ranges\" aria-label=\"Time range\"><ul>"
            for variant in site.variants.sorted(by: { $0.micros < $1.micros }) {
                let href = location.toRoot + variant.directory + Site.href(location.path)
                let mark = variant == here ? " aria-current=\"page\"" : ""
                s += "<li><a href=\"\(href)\" data-range-link=\"\(variant.micros / 3_600_000_000)h\"\(mark)>\(TimeFormat.range(variant.micros))</a></li>"
            }
            s += "</ul></nav>"
        }
        s += "</header>\n<main>\n<h1>\(HTML.escape(title))</h1>\n\(meta)\n\(body)</main>\n"
        s += "<script>\(script)</script>\n</body>\n</html>\n"
        return s
    }
}
