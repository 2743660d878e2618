"""Benchmarks: `make bench` compares Werkmaatje with the stock `rasa init` bot."""
