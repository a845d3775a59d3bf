"""Synthetic populations in the registry import layout, for the demo, the benchmarks and the tests.

A tool beside the domain, not part of it: it reads the registry's import layout (the column names,
`padu.registry.importer.layout.NAMES`) and the region tree, and writes a file that `padu import
registry` takes. `population.generate_population` writes the file; `padu generate population` is
its command. A chunk of families is made in the order of the modules below; each draws from the
chunk's random generator in turn, so the same seed always gives the same file.

- `places`: the region's kelurahan, streets and NIK prefixes;
- `households`: who lives together (family types, ages, mothers) and each family's hidden desil;
- `people`: each person's NIK, KK number, birth place and names (`names`: the name pools);
- `welfare`: each person's schooling, work, income, disability, illness and PPKS categories;
- `dwellings`: the family's columns: address, coordinates, housing, assets, livestock, desil;
- `generator`: a chunk assembled from those; `inject`: duplicate and broken rows;
- `population`: the file, chunk by chunk (`writers`: CSV and XLSX), and what was written.

Nothing is imported here: numpy and Polars load only when something is generated, not with every
`padu` command (this package is an installed app for the command's sake).
"""
