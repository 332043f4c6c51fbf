"""allotropy's vendor parsers as plugins: files converted to ASM by allotropy, then read as ASM.

Besides ``reader``, ``parser`` and ``constants``: ``vendors`` is the table of allotropy's vendors (file
extensions, technique, content markers) so that discovery and sniffing never import allotropy;
``worker`` is the script that runs in allotropy's environment and converts files; ``worker_client``
starts it, talks to it and keeps it running.
"""
