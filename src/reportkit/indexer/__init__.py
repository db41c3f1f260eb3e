"""Making a record index: the options of a run (:mod:`.options`) and reading, understanding and rendering
(:mod:`.build`). :mod:`reportkit.api` runs them (caches, locking, writing) and is the library API."""
