// The default post case review document, as released with migration 0004 (frozen). Data comes in
// only through sys.inputs.data (JSON); Markdown fields arrive as a small syntax tree rendered
// by md() below, so nothing a user wrote is ever evaluated as Typst.
export const DEFAULT_REVIEW_TEMPLATE = String.raw`#let data = json(bytes(sys.inputs.data))
#let review = data.review
#let accent = rgb("#3b5bdb")
#let muted = rgb("#5c6370")

// ---- Markdown syntax tree → Typst content
#let inline(nodes) = for n in nodes {
  if n.t == "text" { n.text }
  else if n.t == "strong" { strong(inline(n.c)) }
  else if n.t == "em" { emph(inline(n.c)) }
  else if n.t == "del" { strike(inline(n.c)) }
  else if n.t == "code" { raw(n.text) }
  else if n.t == "br" { linebreak() }
  else if n.t == "link" { if n.href == none { inline(n.c) } else { link(n.href, text(fill: accent, inline(n.c))) } }
  else { n.at("text", default: "") }
}
#let md(nodes) = for n in nodes {
  if n.t == "p" { par(inline(n.c)) }
  else if n.t == "h" { block(above: 0.9em, below: 0.5em, text(weight: "bold", inline(n.c))) }
  else if n.t == "ul" { list(..n.items.map(item => md(item))) }
  else if n.t == "ol" { enum(start: n.start, ..n.items.map(item => md(item))) }
  else if n.t == "quote" { block(inset: (left: 10pt), stroke: (left: 2pt + luma(200)), md(n.c)) }
  else if n.t == "code" { block(fill: luma(245), inset: 8pt, radius: 3pt, width: 100%, raw(n.text, block: true)) }
  else if n.t == "hr" { line(length: 100%, stroke: 0.5pt + luma(200)) }
  else if n.t == "inline" { inline(n.c) }
}
#let empty(nodes) = nodes == none or nodes.len() == 0

#set document(title: review.number + " — " + review.shortDescription, author: data.company.name)
#set text(font: ("Liberation Sans", "DejaVu Sans"), size: 10pt, lang: "en")
#set par(justify: false, leading: 0.6em)
#set page(
  paper: "a4",
  margin: (top: 2.6cm, bottom: 2.2cm, x: 2cm),
  header: [
    #set text(size: 8.5pt, fill: muted)
    #grid(columns: (1fr, auto),
      text(weight: "bold", fill: accent, size: 10pt, data.company.name),
      [Post case review #review.number])
    #v(-4pt)
    #line(length: 100%, stroke: 0.5pt + luma(210))
  ],
  footer: context [
    #set text(size: 8pt, fill: muted)
    #grid(columns: (1fr, auto),
      if review.publishedAt == none [Preview generated #data.generatedAt — not published]
      else [Version #review.version, published #review.publishedAt],
      [Page #counter(page).display() of #counter(page).final().first()])
  ],
  background: if review.publishedAt == none {
    rotate(-30deg, text(size: 60pt, fill: luma(240), weight: "bold", "PREVIEW"))
  },
)
#show heading.where(level: 2): it => block(above: 1.3em, below: 0.6em, text(size: 12pt, fill: accent, weight: "bold", it.body))

#text(size: 18pt, weight: "bold", review.shortDescription)
#v(2pt)
#text(fill: muted)[Case #data.case.number · #data.case.statusLabel]

#let fact(label, value) = (text(fill: muted, label), if value == none or value == "" [—] else [#value])
#block(above: 1em, fill: luma(247), inset: 10pt, radius: 4pt, width: 100%, grid(
  columns: (auto, 1fr, auto, 1fr),
  column-gutter: 10pt,
  row-gutter: 7pt,
  ..fact("Case", data.case.number),
  ..fact("Priority", data.case.priorityLabel),
  ..if data.account != none { fact("Customer", data.account.name) } else { fact("Scope", "Major incident (all affected customers)") },
  ..fact("Product", data.case.product),
  ..if data.contact != none { fact("Contact", data.contact.name) } else { fact("Category", data.case.category) },
  ..fact("Resolution", data.case.resolutionCode),
  ..fact("Opened", data.case.openedAt),
  ..fact("Resolved", data.case.resolvedAt),
))

#let section(title, nodes, fallback: none) = {
  heading(level: 2, title)
  if empty(nodes) { if fallback != none { fallback } else { text(fill: muted, style: "italic", "Not provided.") } } else { md(nodes) }
}

#section("Summary", review.summary)
#section("Symptoms", review.symptoms)
#section("Affected assets", review.affectedAssets, fallback: if data.assets.len() > 0 {
  table(columns: (2fr, 1.2fr, 1.5fr), stroke: 0.5pt + luma(210), inset: 6pt,
    table.header(text(weight: "bold", "Asset"), text(weight: "bold", "Serial number"), text(weight: "bold", "Product")),
    ..data.assets.map(a => (a.name, if a.serialNumber == none [—] else [#a.serialNumber], if a.product == none [—] else [#a.product])).flatten())
})
#section("Root cause analysis", review.rootCause)
#section("Solution provided", review.solution)
#section("Preventive measures", review.preventiveMeasures)

#if data.approvals.len() > 0 {
  heading(level: 2, "Approvals")
  table(columns: (2fr, 1fr, 1.6fr), stroke: 0.5pt + luma(210), inset: 6pt,
    table.header(text(weight: "bold", "Approver"), text(weight: "bold", "Decision"), text(weight: "bold", "When")),
    ..data.approvals.map(a => (a.name, a.decision, a.at)).flatten())
}

#v(1fr)
#text(size: 8pt, fill: muted)[#data.company.name#if data.company.address != "" [ · #data.company.address] · Review #review.number of case #data.case.number]
`;
