"""`python -m capscore_spark`: see run.py."""

from capscore_spark.run import main

if __name__ == "__main__":
    raise SystemExit(main())
