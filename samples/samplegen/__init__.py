"""The sample generator's renderer: case content lives in ``samples/content/*.yaml``.

Modules, one job each: ``dates`` (date formats), ``cast`` (people, facilities and the case), ``blocks`` (page
content blocks and the document), ``template`` (the ``{key:format}`` mini-language), ``content`` (reading and
checking the YAML into documents), ``layout`` (drawing blocks on reportlab pages).
"""
