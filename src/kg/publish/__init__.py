"""Graph → published files: the store's load file, dumps, the tidy CSV with CSVW, and the DCAT/VoID catalog."""
