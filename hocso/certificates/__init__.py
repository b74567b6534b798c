"""Certificates a unit can verify offline: who earned one, the signed code, the page, the check.

`award.standings` decides from the gradebook who has earned one; `signing` turns the facts into a
code signed with the course's Ed25519 key and checks codes; `page` writes the one-page HTML/PDF with
the code as a QR image; `scan` reads that code back from a photo or scan of the page.
"""
