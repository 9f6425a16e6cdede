"""Real-time sync: the y-websocket protocol, replicas, persistence and presence."""
