"""Reading: an article file, folder or web page in; `Article`s out.

Takes Markdown, text or HTML articles (files, folders, URLs, URL lists, sitemaps) and
gives each one's body sentences with their line numbers, the citation markers in them
linked to reference keys, and the parsed reference list, exactly as the article wrote
it. A bibliography file (BibTeX, RIS, CSL-JSON; `bibliography.py`) is an `Article`
with a reference list and no sentences. Nothing here asks a registry. Open `article.py` first; `inputs.py` is where the
run enters.
"""
