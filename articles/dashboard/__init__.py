"""The dashboard: `figures` (the database queries, JSON-ready, served by the API too), `charts`
(figures → SVG cards, drawn by articles/charts.py) and `views` (the page)."""
