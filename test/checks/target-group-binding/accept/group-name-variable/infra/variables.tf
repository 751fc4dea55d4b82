variable "target_group_name" {
  type = string
}
