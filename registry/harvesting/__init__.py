"""Harvesting: sources the registry follows on a schedule.

| module          | what                                                             |
| --------------- | ---------------------------------------------------------------- |
| `sources.py`    | a source's definition and its checks (pure)                      |
| `guard.py`      | which addresses may be reached; the guarded httpx transport      |
| `fetch.py`      | one safe, conditional fetch                                      |
| `store.py`      | every query on the harvest tables, the lease                     |
| `harvester.py`  | one run: fetch, import, track items that leave, record           |
| `service.py`    | use cases for the CLI, the API and the pages                     |
| `scheduler.py`  | the background thread in `registry serve`                        |
"""
