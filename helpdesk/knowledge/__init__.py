"""The knowledge base: self-help and agent articles per system, searchable with Swedish stemming."""
