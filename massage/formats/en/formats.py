# The site's English dates read "5 January 2027" and "5 January", as its pages always have.
# Other languages use Django's own formats for them (Spanish: "5 de enero de 2027").
DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
