"""Run the SQL that `capscore sql --dialect spark` writes over a capscore dataset."""
