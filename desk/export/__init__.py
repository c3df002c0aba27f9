"""The story published in every format: `desk export STORY --format FORMAT`.

`collect` reads a story from the store into a frozen `Publication` (or
streams its items); each format is a pure function of it, one module each.
Where each names the desk's chain head (sequence, hash, time):

- `md` (`markdown`): a page: title, recap by section, kept posts quoted
  with bylines. Chain head: YAML front matter `desk_head_seq`,
  `desk_head_hash`, `desk_head_at`.
- `html` (`html`, `templates/page.html.j2`): the same page, standalone,
  with the JSON-LD embedded. Chain head: `<meta name="desk-head-seq">`,
  `desk-head-hash`, `desk-head-at`, and the JSON-LD `identifier`.
- `liveblog` (`jsonld`): schema.org `LiveBlogPosting`. Chain head:
  `identifier`, `PropertyValue`s `desk-head-seq`, `desk-head-hash`,
  `desk-head-at`.
- `claimreview` (`jsonld`): a JSON array of schema.org `ClaimReview`s, the
  same `identifier` on each.
- `atom` (`atom`): an Atom 1.0 feed of the recap entries and kept posts.
  Chain head: `<desk:chain-head seq="" hash="" at=""/>` in the namespace
  `urn:desk:export`, a child of `<feed>`.
- `csv` (`tabular`): every item but the discarded ones, streamed. Chain
  head: `desk_head_seq`, `desk_head_hash`, `desk_head_at` columns, every row.
- `jsonl` (`tabular`): the same, one JSON object a line, with a `desk_head`
  object on every line.

`publish.publish` picks the format; the CLI, the bench and the tests call it.
This package reads the store and `desk.text`/`desk.vocab`, never the verbs,
the CLI or the UI (an import-linter contract in pyproject.toml).
"""
