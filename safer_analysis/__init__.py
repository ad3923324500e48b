"""safer-analysis: strategic assessment, allocation and spend analysis for Community Safety Partnerships."""

__version__ = "0.3.0"
