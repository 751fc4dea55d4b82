variable "idle_timeout" {
  description = "Seconds the ALB keeps an idle connection open, to clients and to targets"
  default     = 120
}

variable "public_subnets" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}
