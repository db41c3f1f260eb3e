"""The sample generator's renderer: the case's content lives in ``samples/content/*.yaml``.

Modules, one job each: ``yamlfile`` (strict reading, errors naming file and key), ``dates`` (date formats),
``cast`` (people, facilities, the case and its benchmark variants), ``blocks`` (page content blocks and the
document), ``template`` (the ``{key:format}`` mini-language), ``charges`` (a bill's items and sums),
``content`` (the record files' YAML into documents), ``layout`` (drawing blocks on reportlab pages).
"""
