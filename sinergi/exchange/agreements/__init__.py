"""Data-sharing agreements: who may draft, sign and revoke them (access), the writes (services), the reads
(selectors), and what the access policy reads of them (grants)."""
