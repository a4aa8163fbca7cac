"""baomi's scanner: scan/ (walk → open → extract → analyse), store/ (the inventory),
redact/ and compliance/ (client register, NDA, retention); the shared records and helpers
at the top (models, masking, keys, names, sensitivity, atomic, config), with the
application layer (app, app_inventory, watch) and the command line (cli/)."""

__version__ = "0.1.0"
