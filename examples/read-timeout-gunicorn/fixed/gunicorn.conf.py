# Sync workers: the arbiter kills a worker whose request runs longer than `timeout` seconds.
# The slow pages need up to about a minute and a half, so gunicorn allows 120s.
bind = "127.0.0.1:8000"
workers = 3
timeout = 120
