# Sync workers (the default): the arbiter kills a worker whose request runs longer than
# `timeout` seconds (default 30).
bind = "127.0.0.1:8000"
workers = 3
