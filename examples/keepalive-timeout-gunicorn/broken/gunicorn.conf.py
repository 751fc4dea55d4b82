# Threaded workers keep idle connections for `keepalive` seconds (default 2).
bind = "127.0.0.1:8000"
worker_class = "gthread"
workers = 2
threads = 8
