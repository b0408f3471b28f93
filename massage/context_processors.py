def display(request):
    """The colour scheme the user chose: "light", "dark" or "system" (follow the device)."""
    theme = request.COOKIES.get("theme", "system")
    return {"theme": theme if theme in {"light", "dark"} else "system"}
