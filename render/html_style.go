package render

// htmlCSS styles the page for a screen and for print (A4 or Letter: no
// fixed widths, findings kept whole on a page, bars printed in colour).
// Text colours keep a contrast of at least 4.5:1 on their backgrounds.
const htmlCSS = `
:root{color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;padding:1rem 1.25rem 2rem;max-width:72rem}
h1{font-size:1.45rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;border-bottom:2px solid #d0d7de;padding-bottom:.15rem;margin:1.6rem 0 .7rem}
h3{font-size:1.02rem;margin:.9rem 0 .4rem;overflow-wrap:anywhere}
h4{font-size:.95rem;margin:.7rem 0 .2rem}
p,li,dd,td,th,caption{overflow-wrap:anywhere}
code,pre,.tr{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86rem}
pre{white-space:pre-wrap;white-space:break-spaces;overflow-wrap:anywhere;margin:.3rem 0}
a{color:#0645ad}
.verdict{padding:.55rem .8rem;border-left:6px solid;border-radius:3px;margin:.4rem 0}
.v-ok{background:#e8f5e9;border-color:#2e7d32}
.v-warning{background:#fff8e1;border-color:#8a5a00}
.v-critical{background:#fdecea;border-color:#b71c1c}
.v-unknown{background:#f3e5f5;border-color:#6a1b9a}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.5rem 0}
.facts dt{font-weight:600}.facts dd{margin:0}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem;margin:.6rem 0 0}
.finding{border:1px solid #d0d7de;border-left:6px solid #455a64;border-radius:3px;padding:.3rem .9rem .5rem;margin:.7rem 0}
.finding.sev-critical{border-left-color:#b71c1c}.finding.sev-warning{border-left-color:#8a5a00}
.finding h3 .num{color:#444}
.sev{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;padding:.05rem .4rem;border-radius:3px;color:#fff;background:#455a64;vertical-align:.1rem}
.sev-critical .sev{background:#b71c1c}.sev-warning .sev{background:#8a5a00}
.code{font-size:.8rem;color:#444}
.hints{margin:.1rem 0;padding-left:1.3rem}.hints p{margin:.15rem 0}
.hints pre{background:#f4f6f8;border:1px solid #d0d7de;padding:.3rem .5rem}
.lines{font-size:.9rem;color:#333}
figure{margin:0}
svg.timeline{width:100%;height:auto;display:block;border:1px solid #d0d7de;background:#fff}
svg.timeline text{font:11px ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;fill:#1b1b1b}
svg.timeline .lane-title{font:600 12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg.timeline .caption,svg.timeline .edge{fill:#444}
svg.timeline text.halo{stroke:#fff;stroke-width:3px;paint-order:stroke;stroke-linejoin:round}
.grid line{stroke:#e3e7eb;stroke-width:1}
.axis line{stroke:#555;stroke-width:1}
.ctrl{fill:#90a4ae}.cmd{fill:#263238}
.sweep{fill:#dde3e7;stroke:#546e7a;stroke-width:1}
.o-ok{fill:#2e7d32}.o-refused{fill:url(#p-refused)}.o-timeout{fill:url(#p-timeout)}
.o-stalled{fill:url(#p-stalled)}.o-rejected{fill:url(#p-rejected)}.o-failed{fill:url(#p-failed)}
.marker circle{fill:#0d47a1;stroke:#fff;stroke-width:1.5}
svg.timeline .marker text{fill:#fff;font-weight:700;font-size:10px}
figcaption{font-size:.88rem;color:#333;margin:.4rem 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.9rem;margin:.3rem 0}
.legend svg{vertical-align:-.1rem;border:1px solid #999}
table{border-collapse:collapse;width:100%;font-size:.88rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #d0d7de;padding:.2rem .45rem;text-align:left;vertical-align:top}
thead th{background:#f4f6f8}
.c-ok td:last-child{color:#1b5e20}.c-refused td:last-child,.c-rejected td:last-child{color:#b71c1c}
.c-timeout td:last-child{color:#8a3c00}.c-stalled td:last-child{color:#6a1b9a}
.tr{background:#fafbfc;border:1px solid #d0d7de;padding:.5rem .7rem;line-height:1.4}
.tr span:target{outline-offset:1px}
.tr .cmd{color:#0b4f8a}.tr .warn{color:#8a3c00}.tr .bad{color:#b71c1c}.tr .note{color:#4a4a4a}
.tr .marked{font-weight:700;background:#fff3cd}.tr .pointer a{color:#b71c1c;font-weight:600}
:target{background:#ffe08a;outline:2px solid #8a5a00}
footer{margin-top:2rem;font-size:.85rem;color:#444;border-top:1px solid #d0d7de}
@media (max-width:40rem){body{padding:.6rem}table{font-size:.78rem}th,td{padding:.15rem .25rem}}
@media print{
@page{margin:12mm}
body{font-size:10pt;max-width:none;padding:0}
nav{display:none}
a{color:inherit;text-decoration:none}
.finding,figure,tr{break-inside:avoid}
h2,h3{break-after:avoid}
.tr{font-size:7.5pt;border:none;padding:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`

// htmlSVGDefs are the patterns that set the outcomes apart without colour:
// cross-hatched for refused, diagonal stripes for no answer, dots for
// stalled, horizontal stripes for rejected, vertical for other failures.
const htmlSVGDefs = `<defs>
<pattern id="p-refused" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#c62828"/><path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1.2"/></pattern>
<pattern id="p-timeout" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e65100"/><rect width="2.5" height="6" fill="#ffd8b0"/></pattern>
<pattern id="p-stalled" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#6a1b9a"/><circle cx="2.5" cy="2.5" r="1.2" fill="#fff"/></pattern>
<pattern id="p-rejected" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#ad1457"/><rect width="4" height="1.3" fill="#fff"/></pattern>
<pattern id="p-failed" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#424242"/><rect width="1.3" height="4" fill="#fff"/></pattern>
</defs>`
