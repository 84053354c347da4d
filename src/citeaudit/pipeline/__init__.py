"""Pipeline: article paths and `RunOptions` in; reports, snapshots and an exit code out.

The one path the CLI and the Prefect flows both call. `stages.py` holds the stages in
order (load, claims, resolve, audit, write) and `run`; `resolution.py` is the resolve
stage for many articles at once (bulk, cached, incremental, and `citeaudit refresh`);
`options.py` is what a run is asked to do; `run_summary.py` is what a flow returns.
Open `stages.py` first.
"""
