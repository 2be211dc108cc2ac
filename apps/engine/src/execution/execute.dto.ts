import { IsBoundedName, IsStepList } from '@samples/kit';

/** Body of `POST /execute`. */
export class ExecuteDto {
  @IsBoundedName(100)
  workflow_id!: string;

  @IsStepList()
  steps!: string[];
}
