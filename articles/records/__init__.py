"""One declaration per record type (see base.py); `registry` lists them all."""
