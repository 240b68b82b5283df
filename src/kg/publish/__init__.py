"""Graph → published files: the store's load file, dumps, the tidy CSV with CSVW, and the DCAT/VoID catalog."""

from kg.publish.dumps import DUMPS, OTHER_FILES, Publication, publish, served_files

__all__ = ["DUMPS", "OTHER_FILES", "Publication", "publish", "served_files"]
