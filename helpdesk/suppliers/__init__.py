"""External suppliers (leverantörer): contracts, escalations, their clocks and the monthly follow-up."""
