"""Registries: questions about a work in; `RegistryAnswer`s and `Work`s out.

The network edge: Crossref (habanero), OpenAlex (pyalex), the doi.org handle API, and
DataCite (DOIs of that agency), PubMed (standing of works with a PMID) and Europe PMC
(abstracts), each behind per-registry rate limits, retries and a circuit breaker, with a
SQLite cache and batched DOI look-ups for whole archives. Every answer is found, not
found (definite) or a fault (transient), never confused. Open `answers.py` first, then
`crossref.py` (and `habanero_pool.py`, which gives habanero one kept-alive HTTP client);
`works.py` turns any registry's record into one `Work` shape.
"""
