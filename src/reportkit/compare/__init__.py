"""Where the examiner and the treating providers disagree: per topic, what each record says, verbatim and cited.

``sentences`` cuts page texts into sentences under their headings (boilerplate and unchecked boxes left out),
``topics`` sorts sentences into topics, ``sides`` says which documents are treating records and which are
IMEs and reads our own position from case.yaml, ``flags`` finds mechanical differences, ``run`` puts them
together and ``output`` writes the table.
"""
