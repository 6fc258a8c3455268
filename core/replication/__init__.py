"""Several consoles of one fund: the decision log (a stream), the lease, the commands queue."""
