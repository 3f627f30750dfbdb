"""Masar: e-services of a ministry of Hajj and Umrah."""
