"""Signed events to other agencies' systems: the transactional outbox, delivery with retries, replay."""
