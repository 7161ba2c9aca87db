"""Messaging channels: WhatsApp Business (Meta Cloud API) and an SMS gateway, both by signed webhooks.

`signatures.py` checks that a delivery comes from the gateway, `whatsapp.py` and `sms.py` read their payloads
into `Incoming` messages, `conversation.py` decides the reply (a Cek Lowongan answer, a report, a status), and
`outbox.py` delivers the queued replies from a background worker. See docs/portal.md.
"""
