"""Several consoles of one fund: the decision log (a stream), the lease, the commands queue."""

# The running console's replication status, beside the database: here, not in member.py, so
# `status` reads it without loading the broker client (member.py brings aio_pika and asyncio).
STATUS_FILE = "replication-status.json"
