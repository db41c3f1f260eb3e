"""``reportkit cite-check``: every record citation of a report checked against the record index
(:mod:`.find` finds them, :mod:`.verify` checks them, :mod:`.read` reads the report)."""
