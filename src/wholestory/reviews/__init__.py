"""Learning reviews (issue 17): serious incidents, rapid reviews and local child
safeguarding practice reviews, and the clocks each runs to.

``clocks`` counts working days (England and Wales bank holidays and the partnership's
own closure days) and calendar months; ``timescales`` holds how long each step may take,
as the partnership sets it, and gives a review's due dates.
"""
