"""The case catalog generator: builds every generated group of cases/ as JSON.

Module per job: blocks (the JSON building blocks), requirements (RFC sections and texts),
utf8_sequences (UTF-8 test data), one module per group family (autobahn_*, hs_*, hsc_*,
sf_*, cf_*, u8_*), catalog (all groups in file order), utf8_stress_file and catalog_writer
(the files written), cli (the command line). Entry point: tools/gen_cases.py.
"""
