"""dalian-kg: the knowledge graph of Dalian's 14th Five-Year Plan livelihood report."""

__version__ = "0.1.0"
