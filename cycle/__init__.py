"""The yearly-cycle service: the verbs a coordinator's year is made of, for every front end.

Sits between the libraries (``pipeline``, ``models``) and the front ends (``cli``, ``dashboard``,
``sidecar``): preview an upload, process it (publish, then drift and scoring), accept a probable
copy, bootstrap a first model, follow up a year's list. Front ends call these verbs and only
present what they return; nothing here imports Streamlit, FastAPI or argparse.
"""
