"""What the commands call: status report, retry, reprocess selection and dry run, validation, the demo.

Operations use the ledger, the pipeline and the factory; they print nothing (commands do).
"""
